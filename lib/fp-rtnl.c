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

#include <config.h>

#include "fp-rtnl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <netlink/socket.h>

#include "coverage.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_rtnl);

COVERAGE_DEFINE(fp_rtnl_guest_mac);
COVERAGE_DEFINE(fp_rtnl_guest_carrier);
COVERAGE_DEFINE(fp_rtnl_vf_config);
COVERAGE_DEFINE(fp_rtnl_error);

/* Returns the positive errno value that libnl's error code 'nle' (0 or
 * negative, as libnl returns them) stands for. */
static int
fp_rtnl_errno(int nle)
{
    switch (nle < 0 ? -nle : nle) {
    case 0:
        return 0;
    case NLE_NOMEM:
        return ENOMEM;
    case NLE_PERM:
        return EPERM;
    case NLE_NOACCESS:
        return EACCES;
    case NLE_NODEV:
    case NLE_OBJ_NOTFOUND:
        return ENODEV;
    case NLE_INVAL:
    case NLE_MISSING_ATTR:
        return EINVAL;
    case NLE_RANGE:
        return ERANGE;
    case NLE_OPNOTSUPP:
        return EOPNOTSUPP;
    case NLE_BUSY:
        return EBUSY;
    case NLE_EXIST:
        return EEXIST;
    case NLE_AGAIN:
        return EAGAIN;
    case NLE_MSGSIZE:
        return EMSGSIZE;
    case NLE_AF_NOSUPPORT:
        return EAFNOSUPPORT;
    default:
        return EPROTO;
    }
}

/* If 'error' is nonzero, counts it and, if 'errp' is nonnull, stores in
 * '*errp' the message "WHO: FORMAT... (strerror(error))".  Returns
 * 'error'. */
static int OVS_PRINTF_FORMAT(4, 5)
fp_rtnl_fail(int error, const char *who, char **errp, const char *format, ...)
{
    if (error) {
        COVERAGE_INC(fp_rtnl_error);
        if (errp) {
            va_list args;
            char *what;

            va_start(args, format);
            what = xvasprintf(format, args);
            va_end(args);
            *errp = xasprintf("%s: %s (%s)", who, what, ovs_strerror(error));
            free(what);
        }
    }
    return error;
}

/* Opens a socket to rtnetlink in '*skp'.  Returns 0 or a positive errno
 * value. */
static int
fp_rtnl_open(struct nl_sock **skp)
{
    struct nl_sock *sk = nl_socket_alloc();
    int error;

    if (!sk) {
        *skp = NULL;
        return ENOMEM;
    }
    error = fp_rtnl_errno(nl_connect(sk, NETLINK_ROUTE));
    if (error) {
        nl_socket_free(sk);
        sk = NULL;
    }
    *skp = sk;
    return error;
}

/* The state of one request and its answer, for fp_rtnl_transact(). */
struct fp_rtnl_reply {
    int error;                  /* The kernel's errno, positive, or 0. */
    bool done;                  /* Acknowledged, or refused. */
    struct fp_rtnl_guest *link; /* Where a RTM_NEWLINK answer goes. */
    bool got_link;              /* Whether one came. */
    int nsid;                   /* A RTM_NEWNSID answer's id, or -1. */
};

static int
fp_rtnl_error_cb(struct sockaddr_nl *nla OVS_UNUSED, struct nlmsgerr *err,
                 void *reply_)
{
    struct fp_rtnl_reply *reply = reply_;

    reply->error = err->error < 0 ? -err->error : err->error;
    reply->done = true;
    return NL_STOP;
}

static int
fp_rtnl_ack_cb(struct nl_msg *msg OVS_UNUSED, void *reply_)
{
    struct fp_rtnl_reply *reply = reply_;

    reply->done = true;
    return NL_STOP;
}

/* Takes the name, index, flags and MAC address of the interface of a
 * RTM_NEWLINK answer, and the id of a RTM_NEWNSID answer. */
static int
fp_rtnl_valid_cb(struct nl_msg *msg, void *reply_)
{
    struct fp_rtnl_reply *reply = reply_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[IFLA_MAX + 1];
    struct ifinfomsg *ifi;

    if (nlh->nlmsg_type == RTM_NEWNSID) {
        struct nlattr *ntb[NETNSA_MAX + 1];

        if (!nlmsg_parse(nlh, sizeof(struct rtgenmsg), ntb, NETNSA_MAX,
                         NULL) && ntb[NETNSA_NSID]) {
            reply->nsid = nla_get_s32(ntb[NETNSA_NSID]);
        }
        return NL_OK;
    }
    if (nlh->nlmsg_type != RTM_NEWLINK || !reply->link
        || nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0) {
        return NL_SKIP;
    }
    ifi = nlmsg_data(nlh);
    reply->link->ifindex = ifi->ifi_index;
    reply->link->flags = ifi->ifi_flags;
    if (tb[IFLA_IFNAME]) {
        ovs_strlcpy(reply->link->name, nla_get_string(tb[IFLA_IFNAME]),
                    sizeof reply->link->name);
    }
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == ETH_ADDR_LEN) {
        memcpy(&reply->link->mac, nla_data(tb[IFLA_ADDRESS]), ETH_ADDR_LEN);
    }
    reply->got_link = true;
    return NL_OK;
}

/* Sends 'msg' (a request that libnl completes with NLM_F_REQUEST and
 * NLM_F_ACK) on 'sk' and waits for the kernel's answer.  A RTM_NEWLINK
 * answer goes into '*link', if 'link' is nonnull; the id of a RTM_NEWNSID
 * answer into '*nsidp' (-1 if none came), if 'nsidp' is nonnull.  Returns
 * 0, the kernel's errno value, or a positive errno value for a failure of
 * the socket. */
static int
fp_rtnl_transact__(struct nl_sock *sk, struct nl_msg *msg,
                   struct fp_rtnl_guest *link, int *nsidp)
{
    struct fp_rtnl_reply reply = { .link = link, .nsid = -1 };
    struct nl_cb *cb;
    int error;

    error = nl_send_auto(sk, msg);
    if (error < 0) {
        return fp_rtnl_errno(error);
    }

    cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb) {
        return ENOMEM;
    }
    nl_cb_err(cb, NL_CB_CUSTOM, fp_rtnl_error_cb, &reply);
    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, fp_rtnl_ack_cb, &reply);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fp_rtnl_valid_cb, &reply);
    error = 0;
    while (!reply.done && !error) {
        int retval = nl_recvmsgs(sk, cb);

        if (retval < 0 && !reply.done) {
            error = fp_rtnl_errno(retval);
        }
    }
    nl_cb_put(cb);

    if (!error) {
        error = reply.error;
    }
    if (!error && link && !reply.got_link) {
        error = EPROTO;
    }
    if (nsidp) {
        *nsidp = reply.nsid;
    }
    return error;
}

static int
fp_rtnl_transact(struct nl_sock *sk, struct nl_msg *msg,
                 struct fp_rtnl_guest *link)
{
    return fp_rtnl_transact__(sk, msg, link, NULL);
}

/* Looks up the interface named 'ifname' in our network namespace, with
 * libnl's route API, and stores it in '*linkp' (to release with
 * rtnl_link_put()).  Returns 0 or a positive errno value. */
static int
fp_rtnl_get_link(struct nl_sock *sk, const char *ifname,
                 struct rtnl_link **linkp)
{
    *linkp = NULL;
    return fp_rtnl_errno(rtnl_link_get_kernel(sk, 0, ifname, linkp));
}

/* Reads the interface of index 'ifindex' in the network namespace whose id
 * (in ours) is 'nsid', or in ours if 'nsid' is negative, into '*guest'.
 * Returns 0 or a positive errno value. */
static int
fp_rtnl_get_peer(struct nl_sock *sk, int ifindex, int nsid,
                 struct fp_rtnl_guest *guest)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
    struct nl_msg *msg;
    int error;

    msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
    if (!msg) {
        return ENOMEM;
    }
    if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0
        || (nsid >= 0 && nla_put_s32(msg, IFLA_TARGET_NETNSID, nsid) < 0)) {
        nlmsg_free(msg);
        return EMSGSIZE;
    }
    error = fp_rtnl_transact(sk, msg, guest);
    nlmsg_free(msg);
    return error;
}

/* Finds the guest's end of the veth pair whose host end is 'endpoint':
 * stores in '*guest' its name, index, namespace id, MAC address and flags,
 * and whether the host end is up; and in '*hostp' (if nonnull; to release
 * with rtnl_link_put()) the host end.  Returns 0 or a positive errno
 * value, with a message in '*errp'. */
static int
fp_rtnl_find_guest(struct nl_sock *sk, const char *endpoint,
                   struct fp_rtnl_guest *guest, struct rtnl_link **hostp,
                   const char *who, char **errp)
{
    struct rtnl_link *host;
    const char *type;
    int32_t nsid;
    int error;

    memset(guest, 0, sizeof *guest);
    if (hostp) {
        *hostp = NULL;
    }

    error = fp_rtnl_get_link(sk, endpoint, &host);
    if (error) {
        return fp_rtnl_fail(error, who, errp, "cannot find endpoint %s",
                            endpoint);
    }
    type = rtnl_link_get_type(host);
    if (!type || strcmp(type, "veth") || rtnl_link_get_link(host) <= 0) {
        error = fp_rtnl_fail(EOPNOTSUPP, who, errp,
                             "endpoint %s is not a veth, so the guest's "
                             "interface is out of reach", endpoint);
        goto out;
    }
    guest->nsid = (rtnl_link_get_link_netnsid(host, &nsid) ? -1 : nsid);
    guest->host_up = (rtnl_link_get_flags(host) & IFF_UP) != 0;

    error = fp_rtnl_get_peer(sk, rtnl_link_get_link(host), guest->nsid,
                             guest);
    if (error) {
        fp_rtnl_fail(error, who, errp, "cannot find the guest's interface, "
                     "the peer of endpoint %s", endpoint);
        goto out;
    }

out:
    if (!error && hostp) {
        *hostp = host;
    } else {
        rtnl_link_put(host);
    }
    return error;
}

/* Stores in '*guest' the guest's interface behind 'endpoint', the host end
 * of a veth pair (its peer, in any network namespace).  Returns 0 or a
 * positive errno value, with a message in '*errp' that names 'who'. */
int
fp_rtnl_get_guest(const char *endpoint, struct fp_rtnl_guest *guest,
                  const char *who, char **errp)
{
    struct nl_sock *sk;
    int error;

    memset(guest, 0, sizeof *guest);
    error = fp_rtnl_open(&sk);
    if (error) {
        return fp_rtnl_fail(error, who, errp, "cannot open rtnetlink");
    }
    error = fp_rtnl_find_guest(sk, endpoint, guest, NULL, who, errp);
    nl_socket_free(sk);
    return error;
}

/* Stores in '*nsidp' the id that our network namespace gives the network
 * namespace of 'fd' (RTM_GETNSID), -1 if none.  Returns 0 or a positive
 * errno value. */
static int
fp_rtnl_get_nsid(struct nl_sock *sk, int fd, int *nsidp)
{
    struct rtgenmsg rtg = { .rtgen_family = AF_UNSPEC };
    struct nl_msg *msg;
    int error;

    *nsidp = -1;
    msg = nlmsg_alloc_simple(RTM_GETNSID, 0);
    if (!msg) {
        return ENOMEM;
    }
    if (nlmsg_append(msg, &rtg, sizeof rtg, NLMSG_ALIGNTO) < 0
        || nla_put_u32(msg, NETNSA_FD, fd) < 0) {
        error = EMSGSIZE;
    } else {
        error = fp_rtnl_transact__(sk, msg, NULL, nsidp);
    }
    nlmsg_free(msg);
    return error;
}

/* Returns a file descriptor (to close) of the network namespace whose id
 * in ours is 'nsid', or -1 with ENOENT in '*errorp' if none is found.  The
 * kernel gives no way from an id to a namespace, so this looks at the
 * named namespaces of "ip netns" (/run/netns), then at those of every
 * process (/proc/PID/ns/net, e.g. a VM's or a container's). */
static int
fp_rtnl_find_netns(struct nl_sock *sk, int nsid, int *errorp)
{
    static const char *const dirs[] = { "/run/netns", "/proc" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(dirs); i++) {
        bool proc = !strcmp(dirs[i], "/proc");
        DIR *dir = opendir(dirs[i]);
        struct dirent *de;

        if (!dir) {
            continue;
        }
        while ((de = readdir(dir)) != NULL) {
            int this_nsid, fd;
            char *path;

            if (de->d_name[0] == '.'
                || (proc && (de->d_name[0] < '0' || de->d_name[0] > '9'))) {
                continue;
            }
            path = xasprintf("%s/%s%s", dirs[i], de->d_name,
                             proc ? "/ns/net" : "");
            fd = open(path, O_RDONLY | O_CLOEXEC);
            free(path);
            if (fd < 0) {
                continue;
            }
            if (!fp_rtnl_get_nsid(sk, fd, &this_nsid) && this_nsid == nsid) {
                closedir(dir);
                *errorp = 0;
                return fd;
            }
            close(fd);
        }
        closedir(dir);
    }
    *errorp = ENOENT;
    return -1;
}

/* What fp_rtnl_open_in_netns() asks of its thread. */
struct fp_rtnl_netns_open {
    int fd;                     /* The network namespace. */
    struct nl_sock *sk;         /* The socket opened there. */
    int error;
};

static void *
fp_rtnl_netns_open_main(void *arg_)
{
    struct fp_rtnl_netns_open *arg = arg_;

    if (setns(arg->fd, CLONE_NEWNET)) {
        arg->error = errno;
    } else {
        arg->error = fp_rtnl_open(&arg->sk);
    }
    return NULL;
}

/* Opens in '*skp' a socket to rtnetlink in the network namespace whose id
 * in ours is 'nsid'.  A netlink socket belongs to the namespace it was
 * made in, and the kernel changes an interface of another namespace
 * neither through RTM_SETLINK with IFLA_TARGET_NETNSID (EOPNOTSUPP) nor
 * through RTM_NEWLINK (which would look the index up in ours): so a
 * short-lived thread of its own enters the namespace, opens the socket
 * there and ends; no other thread changes namespace.  Needs CAP_SYS_ADMIN.
 * Returns 0 or a positive errno value. */
static int
fp_rtnl_open_in_netns(struct nl_sock *sk, int nsid, struct nl_sock **skp)
{
    struct fp_rtnl_netns_open arg = { .sk = NULL };
    pthread_t thread;
    int error;

    *skp = NULL;
    arg.fd = fp_rtnl_find_netns(sk, nsid, &error);
    if (arg.fd < 0) {
        return error;
    }
    thread = ovs_thread_create("fp_rtnl_netns", fp_rtnl_netns_open_main,
                               &arg);
    xpthread_join(thread, NULL);
    close(arg.fd);
    *skp = arg.sk;
    return arg.error;
}

/* Sends on 'sk' a RTM_SETLINK request built by libnl from 'orig' and
 * 'changes'.  Returns 0 or a positive errno value. */
static int
fp_rtnl_change(struct nl_sock *sk, struct rtnl_link *orig,
               struct rtnl_link *changes)
{
    struct nl_msg *msg;
    int error;

    error = fp_rtnl_errno(rtnl_link_build_change_request(orig, changes, 0,
                                                         &msg));
    if (error) {
        return error;
    }
    /* libnl asks RTM_NEWLINK, which may also create; RTM_SETLINK only
     * changes. */
    nlmsg_hdr(msg)->nlmsg_type = RTM_SETLINK;
    error = fp_rtnl_transact(sk, msg, NULL);
    nlmsg_free(msg);
    return error;
}

/* Gives the guest's interface behind 'endpoint' (the peer of the host end
 * of a veth pair, in any network namespace) the MAC address 'mac', as the
 * guest of a VF sees the MAC address that the PF gives its VF.  Does
 * nothing if it already has it.  Returns 0 or a positive errno value, with
 * a message in '*errp' that names 'who'. */
int
fp_rtnl_set_guest_mac(const char *endpoint, const struct eth_addr mac,
                      const char *who, char **errp)
{
    struct rtnl_link *orig = NULL, *changes = NULL;
    struct nl_sock *sk, *guest_sk = NULL;
    struct fp_rtnl_guest guest;
    struct nl_addr *addr = NULL;
    int error;

    error = fp_rtnl_open(&sk);
    if (error) {
        return fp_rtnl_fail(error, who, errp, "cannot open rtnetlink");
    }
    error = fp_rtnl_find_guest(sk, endpoint, &guest, NULL, who, errp);
    if (error || eth_addr_equals(guest.mac, mac)) {
        goto out;
    }

    if (guest.nsid >= 0) {
        error = fp_rtnl_open_in_netns(sk, guest.nsid, &guest_sk);
        if (error) {
            fp_rtnl_fail(error, who, errp, "cannot reach the network "
                         "namespace of the guest's interface %s (id %d)",
                         guest.name, guest.nsid);
            goto out;
        }
    }

    orig = rtnl_link_alloc();
    changes = rtnl_link_alloc();
    addr = nl_addr_build(AF_LLC, mac.ea, ETH_ADDR_LEN);
    if (!orig || !changes || !addr) {
        error = ENOMEM;
    } else {
        rtnl_link_set_ifindex(orig, guest.ifindex);
        rtnl_link_set_addr(changes, addr);
        error = fp_rtnl_change(guest_sk ? guest_sk : sk, orig, changes);
    }
    if (error) {
        fp_rtnl_fail(error, who, errp, "cannot set the MAC address of the "
                     "guest's interface %s", guest.name);
        goto out;
    }
    COVERAGE_INC(fp_rtnl_guest_mac);
    VLOG_DBG("%s: guest's interface %s (peer of %s): MAC "ETH_ADDR_FMT,
             who, guest.name, endpoint, ETH_ADDR_ARGS(mac));

out:
    if (addr) {
        nl_addr_put(addr);
    }
    if (orig) {
        rtnl_link_put(orig);
    }
    if (changes) {
        rtnl_link_put(changes);
    }
    if (guest_sk) {
        nl_socket_free(guest_sk);
    }
    nl_socket_free(sk);
    return error;
}

/* Gives the guest's interface behind 'endpoint' a carrier if 'up' is true
 * (as far as the guest's interface is up itself), or takes it away,
 * through the administrative state of 'endpoint', the host end of its veth
 * pair: so the guest sees what the guest of a VF sees when the VF's link
 * state is enable or disable.  Does nothing if the host end is already in
 * that state.
 *
 * While the host end is down, the carrier that netdev-fp reads from it
 * (fp_port_get_link_carrier()) is down too: it is the NIC port's link, not
 * the VF's link-state setting, and it comes back when the host end is up
 * again.  Returns 0 or a positive errno value, with a message in '*errp'
 * that names 'who'. */
int
fp_rtnl_set_guest_carrier(const char *endpoint, bool up, const char *who,
                          char **errp)
{
    struct rtnl_link *host = NULL, *changes = NULL;
    struct fp_rtnl_guest guest;
    struct nl_sock *sk;
    int error;

    error = fp_rtnl_open(&sk);
    if (error) {
        return fp_rtnl_fail(error, who, errp, "cannot open rtnetlink");
    }
    error = fp_rtnl_find_guest(sk, endpoint, &guest, &host, who, errp);
    if (error || guest.host_up == up) {
        goto out;
    }

    changes = rtnl_link_alloc();
    if (!changes) {
        error = ENOMEM;
    } else {
        if (up) {
            rtnl_link_set_flags(changes, IFF_UP);
        } else {
            rtnl_link_unset_flags(changes, IFF_UP);
        }
        error = fp_rtnl_change(sk, host, changes);
    }
    if (error) {
        fp_rtnl_fail(error, who, errp, "cannot %s the carrier of the guest's "
                     "interface %s (setting endpoint %s %s)",
                     up ? "give back" : "take away", guest.name, endpoint,
                     up ? "up" : "down");
        goto out;
    }
    COVERAGE_INC(fp_rtnl_guest_carrier);
    VLOG_DBG("%s: guest's interface %s (peer of %s): carrier %s", who,
             guest.name, endpoint, up ? "on" : "off");

out:
    if (host) {
        rtnl_link_put(host);
    }
    if (changes) {
        rtnl_link_put(changes);
    }
    nl_socket_free(sk);
    return error;
}

/* Shows the guest behind 'endpoint' (the host end of a veth pair) what
 * the guest of a VF sees: the VF's MAC address 'mac' (6 bytes; NULL leaves
 * the guest's MAC as it is) and its link, up or down ('link_up'), as
 * fp_rtnl_set_guest_mac() and fp_rtnl_set_guest_carrier() do.  For the
 * model's VF policy, each time a VF's MAC or link changes.  Returns 0 or
 * the first positive errno value, with its message in '*errp' that names
 * 'who'; goes on to the carrier after a failure of the MAC, so that a
 * VF's link down always reaches its guest if it can. */
int
fp_rtnl_show_guest(const char *endpoint, const uint8_t *mac, bool link_up,
                   const char *who, char **errp)
{
    int error = 0;

    if (mac) {
        struct eth_addr ea;

        memcpy(ea.ea, mac, ETH_ADDR_LEN);
        error = fp_rtnl_set_guest_mac(endpoint, ea, who, errp);
    }
    if (!error) {
        error = fp_rtnl_set_guest_carrier(endpoint, link_up, who, errp);
    } else {
        fp_rtnl_set_guest_carrier(endpoint, link_up, who, NULL);
    }
    return error;
}

/* Checks 'cfg' and 'rates' for fp_rtnl_build_vf_request().  Returns 0 or
 * EINVAL or EOPNOTSUPP, with a message in '*errp'. */
static int
fp_rtnl_check_vf_config(uint32_t vf, const struct fp_vf_config *cfg,
                        const struct fp_rtnl_vf_rates *rates,
                        const char *who, char **errp)
{
    if (cfg->vlan > 4094) {
        return fp_rtnl_fail(EINVAL, who, errp, "VLAN %"PRIu16": a VLAN ID is "
                            "0 (none) to 4094", cfg->vlan);
    }
    if (cfg->vlan_pcp > 7) {
        return fp_rtnl_fail(EINVAL, who, errp, "VLAN priority %"PRIu8": a "
                            "priority is 0 to 7", cfg->vlan_pcp);
    }
    if (cfg->vlan_tpid != htons(ETH_P_8021Q)
        && cfg->vlan_tpid != htons(ETH_P_8021AD)) {
        return fp_rtnl_fail(EINVAL, who, errp, "VLAN protocol 0x%04"PRIx16
                            ": it is 0x8100 (802.1Q) or 0x88a8 (802.1ad)",
                            ntohs(cfg->vlan_tpid));
    }
    if (cfg->link_state != FP_VF_LINK_AUTO
        && cfg->link_state != FP_VF_LINK_ENABLE
        && cfg->link_state != FP_VF_LINK_DISABLE) {
        return fp_rtnl_fail(EINVAL, who, errp, "link state %d: it is auto, "
                            "enable or disable", (int) cfg->link_state);
    }
    if (rates && rates->max_tx_rate
        && rates->min_tx_rate > rates->max_tx_rate) {
        return fp_rtnl_fail(EINVAL, who, errp, "minimum rate %"PRIu32" Mbit/s "
                            "above the maximum, %"PRIu32" Mbit/s",
                            rates->min_tx_rate, rates->max_tx_rate);
    }
    if (cfg->promisc || cfg->allmulti) {
        /* rtnetlink has no IFLA_VF_* attribute for them: on a kernel PF the
         * VF's own driver asks for them, which trust allows. */
        return fp_rtnl_fail(EOPNOTSUPP, who, errp, "rtnetlink cannot make "
                            "VF %"PRIu32" %s: its guest asks for it, which "
                            "trust allows", vf,
                            cfg->promisc ? "promiscuous" : "all-multicast");
    }
    return 0;
}

/* Builds in '*msgp' (to free with nlmsg_free()) the rtnetlink request that
 * configures VF 'vf' of the PF of index 'pf_ifindex' as 'cfg' says, and
 * with the transmit rates of 'rates' if it is nonnull: RTM_SETLINK with
 * IFLA_VFINFO_LIST, which libnl's rtnl_link_vf_* API fills.  The request
 * sets every setting of 'cfg' (the MAC address only if it has one).
 * Returns 0 or a positive errno value (EINVAL for a setting out of range,
 * EOPNOTSUPP for promiscuous or all-multicast reception, which rtnetlink
 * cannot set), with a message in '*errp' that names 'who'. */
int
fp_rtnl_build_vf_request(int pf_ifindex, uint32_t vf,
                         const struct fp_vf_config *cfg,
                         const struct fp_rtnl_vf_rates *rates,
                         struct nl_msg **msgp, const char *who, char **errp)
{
    struct rtnl_link *link = NULL;
    struct rtnl_link_vf *vfo = NULL;
    nl_vf_vlans_t *vlans = NULL;
    int error;

    *msgp = NULL;
    error = fp_rtnl_check_vf_config(vf, cfg, rates, who, errp);
    if (error) {
        return error;
    }

    link = rtnl_link_alloc();
    vfo = rtnl_link_vf_alloc();
    if (!link || !vfo) {
        error = ENOMEM;
        goto out;
    }
    rtnl_link_set_ifindex(link, pf_ifindex);
    rtnl_link_vf_set_index(vfo, vf);

    if (cfg->has_mac) {
        struct nl_addr *addr = nl_addr_build(AF_LLC, cfg->mac, ETH_ADDR_LEN);
        if (!addr) {
            error = ENOMEM;
            goto out;
        }
        rtnl_link_vf_set_addr(vfo, addr);
        nl_addr_put(addr);
    }

    error = fp_rtnl_errno(rtnl_link_vf_vlan_alloc(&vlans, 1));
    if (error) {
        goto out;
    }
    vlans->vlans[0].vf_vlan = cfg->vlan;
    vlans->vlans[0].vf_vlan_qos = cfg->vlan_pcp;
    /* libnl sends an 802.1Q VLAN (given in host byte order) as IFLA_VF_VLAN,
     * which has no protocol, and any other as IFLA_VF_VLAN_LIST, copying
     * 'vf_vlan_proto' as it is into the __be16 of struct ifla_vf_vlan_info:
     * so 802.1ad goes in network byte order.  No port VLAN is cleared as
     * 802.1Q, which every driver takes. */
    vlans->vlans[0].vf_vlan_proto = (cfg->vlan_tpid == htons(ETH_P_8021AD)
                                     && cfg->vlan
                                     ? htons(ETH_P_8021AD) : ETH_P_8021Q);
    rtnl_link_vf_set_vlans(vfo, vlans);

    rtnl_link_vf_set_spoofchk(vfo, cfg->spoofchk);
    rtnl_link_vf_set_trust(vfo, cfg->trust);
    rtnl_link_vf_set_linkstate(vfo,
                               cfg->link_state == FP_VF_LINK_ENABLE
                               ? IFLA_VF_LINK_STATE_ENABLE
                               : cfg->link_state == FP_VF_LINK_DISABLE
                               ? IFLA_VF_LINK_STATE_DISABLE
                               : IFLA_VF_LINK_STATE_AUTO);
    if (rates) {
        struct nl_vf_rate rate = {
            .api = RTNL_LINK_VF_RATE_API_NEW,
            .min_tx_rate = rates->min_tx_rate,
            .max_tx_rate = rates->max_tx_rate,
        };
        rtnl_link_vf_set_rate(vfo, &rate);
    }

    error = fp_rtnl_errno(rtnl_link_vf_add(link, vfo));
    if (error) {
        goto out;
    }
    error = fp_rtnl_errno(rtnl_link_build_change_request(link, link, 0,
                                                         msgp));
    if (!error) {
        nlmsg_hdr(*msgp)->nlmsg_type = RTM_SETLINK;
    }

out:
    if (vlans) {
        rtnl_link_vf_vlan_put(vlans);
    }
    if (vfo) {
        rtnl_link_vf_put(vfo);
    }
    if (link) {
        rtnl_link_put(link);
    }
    return fp_rtnl_fail(error, who, errp, "cannot build the request for VF "
                        "%"PRIu32, vf);
}

/* Configures VF 'vf' of 'pf', a kernel NIC with SR-IOV, as 'cfg' says,
 * with the transmit rates of 'rates' if it is nonnull, as "ip link set PF
 * vf N mac ... vlan ... qos ... proto ... spoofchk ... trust ... state ...
 * min_tx_rate ... max_tx_rate ..." does.  The PF's driver applies them;
 * the VF's guest sees its MAC address and link state as the driver gives
 * them.  Exercised only on real hardware: no device here has VFs.  Returns
 * 0 or a positive errno value (the driver's, e.g. EOPNOTSUPP for a setting
 * it lacks), with a message in '*errp' that names 'who'. */
int
fp_rtnl_set_vf(const char *pf, uint32_t vf,
               const struct fp_vf_config *cfg,
               const struct fp_rtnl_vf_rates *rates,
               const char *who, char **errp)
{
    struct rtnl_link *link = NULL;
    struct nl_msg *msg = NULL;
    struct nl_sock *sk;
    int error;

    error = fp_rtnl_open(&sk);
    if (error) {
        return fp_rtnl_fail(error, who, errp, "cannot open rtnetlink");
    }
    error = fp_rtnl_get_link(sk, pf, &link);
    if (error) {
        fp_rtnl_fail(error, who, errp, "cannot find PF %s", pf);
        goto out;
    }
    error = fp_rtnl_build_vf_request(rtnl_link_get_ifindex(link), vf, cfg,
                                     rates, &msg, who, errp);
    if (error) {
        goto out;
    }
    error = fp_rtnl_transact(sk, msg, NULL);
    if (error) {
        fp_rtnl_fail(error, who, errp, "cannot configure VF %"PRIu32" of PF "
                     "%s", vf, pf);
        goto out;
    }
    COVERAGE_INC(fp_rtnl_vf_config);

out:
    if (msg) {
        nlmsg_free(msg);
    }
    if (link) {
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return error;
}
