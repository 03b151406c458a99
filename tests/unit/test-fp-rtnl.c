/*
 * Copyright (c) 2026 The ovs-offload authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* Unit tests of lib/fp-rtnl.c.  No device here has VFs, so the request
 * that configures a kernel PF's VF is built and parsed back, attribute by
 * attribute, with libnl's core parser (not libnl's SR-IOV code, which
 * builds it), and checked against what the kernel's do_setvfinfo() reads:
 * every IFLA_VF_* attribute, with its size and byte order.  The guest's
 * MAC and carrier are tested with real veth pairs by the system tests
 * (tests/system-fp-guest.at); here only their errors, which need no
 * privilege. */

#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "fp-rtnl.h"
#include "packets.h"
#include "util.h"

#define VF 3
#define PF_IFINDEX 7

static const uint8_t vf_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

/* A configuration with every setting away from its default. */
static struct fp_vf_config
full_config(void)
{
    struct fp_vf_config cfg = {
        .has_mac = true,
        .mac = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c },
        .vlan = 100,
        .vlan_pcp = 5,
        .vlan_tpid = CONSTANT_HTONS(0x8100),
        .spoofchk = true,
        .trust = false,
        .link_state = FP_VF_LINK_DISABLE,
    };
    return cfg;
}

/* Builds the request for 'cfg' and 'rates', checks its header and that its
 * only attribute is IFLA_VFINFO_LIST with exactly one IFLA_VF_INFO, and
 * parses that into 'vf' (IFLA_VF_MAX + 1 entries).  Returns the message,
 * which the caller frees. */
static struct nl_msg *
build_and_parse(const struct fp_vf_config *cfg,
                const struct fp_rtnl_vf_rates *rates, struct nlattr **vf)
{
    struct nlattr *tb[IFLA_MAX + 1];
    struct nlattr *info;
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;
    struct nl_msg *msg;
    char *err = NULL;
    int rem, n, i;

    assert_int_equal(fp_rtnl_build_vf_request(PF_IFINDEX, VF, cfg, rates,
                                              &msg, "t vf3", &err), 0);
    assert_null(err);
    assert_non_null(msg);

    nlh = nlmsg_hdr(msg);
    assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
    ifi = nlmsg_data(nlh);
    assert_int_equal(ifi->ifi_index, PF_IFINDEX);
    assert_int_equal(ifi->ifi_change, 0);

    assert_int_equal(nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL), 0);
    for (i = 0; i <= IFLA_MAX; i++) {
        if (i != IFLA_VFINFO_LIST) {
            /* Nothing else of the PF changes. */
            assert_null(tb[i]);
        }
    }
    assert_non_null(tb[IFLA_VFINFO_LIST]);

    n = 0;
    nla_for_each_nested (info, tb[IFLA_VFINFO_LIST], rem) {
        assert_int_equal(nla_type(info), IFLA_VF_INFO);
        assert_int_equal(nla_parse_nested(vf, IFLA_VF_MAX, info, NULL), 0);
        n++;
    }
    assert_int_equal(n, 1);
    return msg;
}

/* Returns the payload of 'attr', checking that it has 'size' bytes and
 * names VF 'VF' in its first 32-bit member, as every IFLA_VF_* does. */
static const void *
vf_attr(const struct nlattr *attr, size_t size)
{
    assert_non_null(attr);
    assert_int_equal(nla_len(attr), size);
    assert_int_equal(*(const uint32_t *) nla_data(attr), VF);
    return nla_data(attr);
}

/* Every attribute of a full configuration with an 802.1Q port VLAN and
 * both rates. */
static void
test_vf_full_8021q(void **state OVS_UNUSED)
{
    struct fp_vf_config cfg = full_config();
    struct fp_rtnl_vf_rates rates = { .min_tx_rate = 100,
                                      .max_tx_rate = 1000 };
    struct nlattr *vf[IFLA_VF_MAX + 1];
    const struct ifla_vf_mac *mac;
    const struct ifla_vf_vlan *vlan;
    const struct ifla_vf_rate *rate;
    const struct ifla_vf_spoofchk *spoofchk;
    const struct ifla_vf_trust *trust;
    const struct ifla_vf_link_state *link_state;
    struct nl_msg *msg;
    int i;

    msg = build_and_parse(&cfg, &rates, vf);

    mac = vf_attr(vf[IFLA_VF_MAC], sizeof *mac);
    assert_memory_equal(mac->mac, vf_mac, ETH_ADDR_LEN);
    for (i = ETH_ADDR_LEN; i < sizeof mac->mac; i++) {
        assert_int_equal(mac->mac[i], 0);
    }

    /* 802.1Q goes as IFLA_VF_VLAN, which has no protocol. */
    vlan = vf_attr(vf[IFLA_VF_VLAN], sizeof *vlan);
    assert_int_equal(vlan->vlan, 100);
    assert_int_equal(vlan->qos, 5);
    assert_null(vf[IFLA_VF_VLAN_LIST]);

    /* The rates go with the new API (IFLA_VF_RATE), not IFLA_VF_TX_RATE. */
    rate = vf_attr(vf[IFLA_VF_RATE], sizeof *rate);
    assert_int_equal(rate->min_tx_rate, 100);
    assert_int_equal(rate->max_tx_rate, 1000);
    assert_null(vf[IFLA_VF_TX_RATE]);

    spoofchk = vf_attr(vf[IFLA_VF_SPOOFCHK], sizeof *spoofchk);
    assert_int_equal(spoofchk->setting, 1);
    trust = vf_attr(vf[IFLA_VF_TRUST], sizeof *trust);
    assert_int_equal(trust->setting, 0);
    link_state = vf_attr(vf[IFLA_VF_LINK_STATE], sizeof *link_state);
    assert_int_equal(link_state->link_state, IFLA_VF_LINK_STATE_DISABLE);

    /* Nothing else: no RSS query, no InfiniBand GUIDs, no statistics. */
    assert_null(vf[IFLA_VF_RSS_QUERY_EN]);
    assert_null(vf[IFLA_VF_IB_NODE_GUID]);
    assert_null(vf[IFLA_VF_IB_PORT_GUID]);
    assert_null(vf[IFLA_VF_STATS]);
    assert_null(vf[IFLA_VF_BROADCAST]);
    nlmsg_free(msg);
}

/* An 802.1ad port VLAN goes as IFLA_VF_VLAN_LIST with one
 * IFLA_VF_VLAN_INFO whose protocol is in network byte order, as the kernel
 * reads it (__be16). */
static void
test_vf_8021ad(void **state OVS_UNUSED)
{
    struct fp_vf_config cfg = full_config();
    struct nlattr *vf[IFLA_VF_MAX + 1];
    const struct ifla_vf_vlan_info *info;
    const struct nlattr *attr;
    const uint8_t *proto;
    struct nl_msg *msg;
    int rem, n = 0;

    cfg.vlan = 200;
    cfg.vlan_pcp = 3;
    cfg.vlan_tpid = htons(0x88a8);
    msg = build_and_parse(&cfg, NULL, vf);

    assert_null(vf[IFLA_VF_VLAN]);
    assert_non_null(vf[IFLA_VF_VLAN_LIST]);
    nla_for_each_nested (attr, vf[IFLA_VF_VLAN_LIST], rem) {
        assert_int_equal(nla_type(attr), IFLA_VF_VLAN_INFO);
        info = vf_attr(attr, sizeof *info);
        assert_int_equal(info->vlan, 200);
        assert_int_equal(info->qos, 3);
        proto = (const uint8_t *) &info->vlan_proto;
        assert_int_equal(proto[0], 0x88);
        assert_int_equal(proto[1], 0xa8);
        n++;
    }
    assert_int_equal(n, 1);
    nlmsg_free(msg);
}

/* Without a MAC, without rates, no port VLAN (even with 802.1ad: cleared
 * as 802.1Q), link state auto, trust on, spoof check off. */
static void
test_vf_defaults(void **state OVS_UNUSED)
{
    struct fp_vf_config cfg = {
        .vlan_tpid = CONSTANT_HTONS(0x88a8),
        .trust = true,
        .link_state = FP_VF_LINK_AUTO,
    };
    struct nlattr *vf[IFLA_VF_MAX + 1];
    const struct ifla_vf_vlan *vlan;
    const struct ifla_vf_spoofchk *spoofchk;
    const struct ifla_vf_trust *trust;
    const struct ifla_vf_link_state *link_state;
    struct nl_msg *msg;

    msg = build_and_parse(&cfg, NULL, vf);
    assert_null(vf[IFLA_VF_MAC]);
    assert_null(vf[IFLA_VF_RATE]);
    assert_null(vf[IFLA_VF_TX_RATE]);
    assert_null(vf[IFLA_VF_VLAN_LIST]);
    vlan = vf_attr(vf[IFLA_VF_VLAN], sizeof *vlan);
    assert_int_equal(vlan->vlan, 0);
    assert_int_equal(vlan->qos, 0);
    spoofchk = vf_attr(vf[IFLA_VF_SPOOFCHK], sizeof *spoofchk);
    assert_int_equal(spoofchk->setting, 0);
    trust = vf_attr(vf[IFLA_VF_TRUST], sizeof *trust);
    assert_int_equal(trust->setting, 1);
    link_state = vf_attr(vf[IFLA_VF_LINK_STATE], sizeof *link_state);
    assert_int_equal(link_state->link_state, IFLA_VF_LINK_STATE_AUTO);
    nlmsg_free(msg);

    cfg.link_state = FP_VF_LINK_ENABLE;
    msg = build_and_parse(&cfg, NULL, vf);
    link_state = vf_attr(vf[IFLA_VF_LINK_STATE], sizeof *link_state);
    assert_int_equal(link_state->link_state, IFLA_VF_LINK_STATE_ENABLE);
    nlmsg_free(msg);
}

/* Checks that building the request for 'cfg' and 'rates' fails with
 * 'error' and the message 'expected', and builds nothing. */
static void
check_refused(const struct fp_vf_config *cfg,
              const struct fp_rtnl_vf_rates *rates, int error,
              const char *expected)
{
    struct nl_msg *msg = (struct nl_msg *) 1;
    char *err = NULL;

    assert_int_equal(fp_rtnl_build_vf_request(PF_IFINDEX, VF, cfg, rates,
                                              &msg, "t vf3", &err), error);
    assert_null(msg);
    assert_string_equal(err, expected);
    free(err);
}

/* Settings out of range, and those rtnetlink has no attribute for. */
static void
test_vf_refused(void **state OVS_UNUSED)
{
    struct fp_rtnl_vf_rates rates = { .min_tx_rate = 500,
                                      .max_tx_rate = 100 };
    struct fp_vf_config cfg;

    cfg = full_config();
    cfg.vlan = 4095;
    check_refused(&cfg, NULL, EINVAL, "t vf3: VLAN 4095: a VLAN ID is 0 "
                  "(none) to 4094 (Invalid argument)");
    cfg = full_config();
    cfg.vlan_pcp = 8;
    check_refused(&cfg, NULL, EINVAL, "t vf3: VLAN priority 8: a priority "
                  "is 0 to 7 (Invalid argument)");
    cfg = full_config();
    cfg.vlan_tpid = htons(0x9100);
    check_refused(&cfg, NULL, EINVAL, "t vf3: VLAN protocol 0x9100: it is "
                  "0x8100 (802.1Q) or 0x88a8 (802.1ad) (Invalid argument)");
    cfg = full_config();
    check_refused(&cfg, &rates, EINVAL, "t vf3: minimum rate 500 Mbit/s "
                  "above the maximum, 100 Mbit/s (Invalid argument)");
    cfg = full_config();
    cfg.promisc = true;
    check_refused(&cfg, NULL, EOPNOTSUPP, "t vf3: rtnetlink cannot make VF "
                  "3 promiscuous: its guest asks for it, which trust allows "
                  "(Operation not supported)");
    cfg = full_config();
    cfg.allmulti = true;
    check_refused(&cfg, NULL, EOPNOTSUPP, "t vf3: rtnetlink cannot make VF "
                  "3 all-multicast: its guest asks for it, which trust "
                  "allows (Operation not supported)");
}

/* The guest's side needs a veth pair; an endpoint that does not exist, or
 * that is not a veth, says so.  These only read, so they need no
 * privilege. */
static void
test_guest_errors(void **state OVS_UNUSED)
{
    struct fp_rtnl_guest guest;
    char *err = NULL;

    assert_int_equal(fp_rtnl_set_guest_mac("fp-nonexistent0",
                                           (struct eth_addr) { .ea = { 2 } },
                                           "fp0 vf2", &err), ENODEV);
    assert_string_equal(err, "fp0 vf2: cannot find endpoint "
                        "fp-nonexistent0 (No such device)");
    free(err);
    err = NULL;

    assert_int_equal(fp_rtnl_set_guest_carrier("lo", false, "fp0 vf2",
                                               &err), EOPNOTSUPP);
    assert_string_equal(err, "fp0 vf2: endpoint lo is not a veth, so the "
                        "guest's interface is out of reach (Operation not "
                        "supported)");
    free(err);

    assert_int_equal(fp_rtnl_get_guest("lo", &guest, "fp0 vf2", NULL),
                     EOPNOTSUPP);

    /* The VF policy's call: the first error, the MAC's. */
    err = NULL;
    assert_int_equal(fp_rtnl_show_guest("fp-nonexistent0", vf_mac, false,
                                        "fp0 vf2", &err), ENODEV);
    assert_string_equal(err, "fp0 vf2: cannot find endpoint "
                        "fp-nonexistent0 (No such device)");
    free(err);
}

/* A PF that does not exist. */
static void
test_vf_no_pf(void **state OVS_UNUSED)
{
    struct fp_vf_config cfg = full_config();
    char *err = NULL;

    assert_int_equal(fp_rtnl_set_vf("fp-nonexistent0", VF, &cfg, NULL,
                                    "fp0 vf3", &err), ENODEV);
    assert_string_equal(err, "fp0 vf3: cannot find PF fp-nonexistent0 (No "
                        "such device)");
    free(err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vf_full_8021q),
        cmocka_unit_test(test_vf_8021ad),
        cmocka_unit_test(test_vf_defaults),
        cmocka_unit_test(test_vf_refused),
        cmocka_unit_test(test_guest_errors),
        cmocka_unit_test(test_vf_no_pf),
    };

    return cmocka_run_group_tests_name("fp-rtnl", tests, NULL, NULL);
}
