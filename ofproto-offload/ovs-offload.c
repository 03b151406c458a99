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

#include "ovs-offload.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "fp/fp.h"
#include "fp-dpdk-pmd.h"
#include "fp-unixctl.h"
#include "netdev-fp.h"
#include "netdev-fp-evb.h"
#include "netdev-offload-fp.h"
#include "netdev-offload.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "dpdk.h"
#include "dpif.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovs_offload);

/* Runs before OVS's main(): OVS 3.1 has no run-time plugin loading, so our
 * ovs-vswitchd links this object and registers here.  Nothing here may log
 * or start a thread: ovs-vswitchd has not parsed its options or daemonized
 * yet. */
OVS_CONSTRUCTOR(ovs_offload_register)
{
    netdev_register_provider(&netdev_fp_class);
    netdev_register_flow_api_provider(&netdev_offload_fp);
    fp_unixctl_register();
    fp_dpdk_pmd_link();
}

/* The Open_vSwitch other_config keys that size the model NICs. */
struct ovs_offload_knob {
    const char *key;
    size_t offset;              /* Of a uint32_t in fp_device_config. */
    uint32_t min, max;
};

static const struct ovs_offload_knob knobs[] = {
    { "fp-phy-ports", offsetof(struct fp_device_config, n_phy_ports),
      1, 64 },
    { "fp-vfs", offsetof(struct fp_device_config, n_vfs), 0, 4032 },
    { "fp-rules", offsetof(struct fp_device_config, n_rules), 1, 1 << 24 },
    { "fp-engines", offsetof(struct fp_device_config, n_engines), 1, 64 },
    { "fp-masks", offsetof(struct fp_device_config, n_masks), 1, 4096 },
    { "fp-meters", offsetof(struct fp_device_config, n_meters), 0,
      1 << 20 },
    { "fp-counters", offsetof(struct fp_device_config, n_counters), 0,
      1 << 25 },
};

/* Main thread only. */
static struct smap saved_config = SMAP_INITIALIZER(&saved_config);
                                    /* other_config, as first read. */
static bool config_read;            /* 'saved_config' is set? */
static bool devices_created;        /* ovs_offload_init() ran? */
static struct svec config_errors;   /* Bad values, for fp/show. */
static char *applied_config;        /* The fp-* keys the devices have. */
static char *warned_config;         /* The fp-* keys last warned about. */

/* Returns the fp-* keys of 'other_config' as one string, to compare. */
static char *
ovs_offload_config_string(const struct smap *other_config)
{
    const struct smap_node **nodes = smap_sort(other_config);
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i;

    for (i = 0; i < smap_count(other_config); i++) {
        if (!strncmp(nodes[i]->key, "fp-", 3)
            && strcmp(nodes[i]->key, "fp-evb-mode")) {
            /* fp-evb-mode applies at run time (netdev-fp-evb.c). */
            ds_put_format(&s, "%s=%s ", nodes[i]->key, nodes[i]->value);
        }
    }
    free(nodes);
    ds_chomp(&s, ' ');
    return ds_steal_cstr(&s);
}

static void
ovs_offload_config_error(struct svec *errors, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Appends a message about a bad configuration value to 'errors'. */
static void
ovs_offload_config_error(struct svec *errors, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    svec_add_nocopy(errors, xvasprintf(format, args));
    va_end(args);
}

/* Returns true if 'name' is a good device name: 1 to 15 letters, digits,
 * '-' or '_'. */
static bool
ovs_offload_is_device_name(const char *name)
{
    size_t len = strlen(name);

    return (len >= 1 && len <= 15
            && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == len);
}

/* Reads the NIC configuration from the fp-* keys of 'other_config': into
 * 'devices' (an initialized sset, cleared first) the names of the devices
 * that fp-devices gives (default: fp0), and into 'cfg' their sizes from
 * fp-phy-ports, fp-vfs, fp-rules, fp-masks, fp-meters, fp-counters and
 * fp-engines.  A bad value is replaced by its default (a bad name is
 * skipped) and a message for the operator is appended to 'errors'.
 *
 * Creates nothing and logs nothing, so that tests/fuzz/fuzz-options.c can
 * run it on any input. */
void
ovs_offload_parse_config(const struct smap *other_config,
                         struct sset *devices, struct fp_device_config *cfg,
                         struct svec *errors)
{
    const char *names = smap_get_def(other_config, "fp-devices",
                                     OVS_OFFLOAD_DEFAULT_DEVICE);
    struct sset all;
    const char *name;
    size_t i;

    fp_device_config_default(cfg);
    for (i = 0; i < ARRAY_SIZE(knobs); i++) {
        const struct ovs_offload_knob *k = &knobs[i];
        uint32_t *field = ALIGNED_CAST(uint32_t *,
                                       (char *) cfg + k->offset);
        const char *value = smap_get(other_config, k->key);
        unsigned int n;

        if (value && (!str_to_uint(value, 10, &n) || n < k->min
                      || n > k->max)) {
            ovs_offload_config_error(errors, "other_config:%s=%s is not a "
                                     "number from %"PRIu32" to %"PRIu32"; "
                                     "using %"PRIu32, k->key, value, k->min,
                                     k->max, *field);
        } else if (value) {
            *field = n;
        }
    }

    sset_init(&all);
    sset_from_delimited_string(&all, names, " ,");
    if (sset_is_empty(&all) || sset_count(&all) > OVS_OFFLOAD_MAX_DEVICES) {
        ovs_offload_config_error(errors, "other_config:fp-devices=%s names "
                                 "no device or more than %d; using %s",
                                 names, OVS_OFFLOAD_MAX_DEVICES,
                                 OVS_OFFLOAD_DEFAULT_DEVICE);
        sset_clear(&all);
        sset_add(&all, OVS_OFFLOAD_DEFAULT_DEVICE);
    }

    {
        char *err = NULL;

        if (fp_device_config_validate(cfg, &err)) {
            ovs_offload_config_error(errors, "other_config:fp-*: %s; using "
                                     "the defaults", err);
            fp_device_config_default(cfg);
        }
        free(err);
    }

    sset_clear(devices);
    SSET_FOR_EACH (name, &all) {
        if (!ovs_offload_is_device_name(name)) {
            ovs_offload_config_error(errors, "other_config:fp-devices: '%s' "
                                     "is not a device name (1 to 15 "
                                     "letters, digits, '-' or '_'); "
                                     "skipped", name);
        } else {
            sset_add(devices, name);
        }
    }
    sset_destroy(&all);
}

/* Creates the model NICs that 'other_config' describes (see
 * ovs_offload_parse_config()).  Logs each bad value, which an operator must
 * fix, and keeps it for fp/show. */
static void
ovs_offload_create_devices(const struct smap *other_config)
{
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct fp_device_config cfg;
    struct sset devices;
    const char *name;
    size_t i;

    sset_init(&devices);
    ovs_offload_parse_config(other_config, &devices, &cfg, &errors);
    for (i = 0; i < errors.n; i++) {
        VLOG_WARN("%s", errors.names[i]);
        svec_add(&config_errors, errors.names[i]);
    }
    svec_destroy(&errors);

    SSET_FOR_EACH (name, &devices) {
        struct fp_device *dev;
        int error;

        error = fp_device_create(name, &cfg, &dev);
        if (error) {
            char *msg = xasprintf("%s: cannot create the model NIC (%s)",
                                  name, ovs_strerror(error));

            VLOG_WARN("%s", msg);
            svec_add_nocopy(&config_errors, msg);
        } else {
            VLOG_INFO("%s: model NIC with %"PRIu32" physical ports, "
                      "%"PRIu32" VFs, %"PRIu32" rules, %"PRIu32" masks, "
                      "%"PRIu32" meters, %"PRIu32" engines",
                      name, cfg.n_phy_ports, cfg.n_vfs, cfg.n_rules,
                      cfg.n_masks, cfg.n_meters, cfg.n_engines);
        }
    }
    sset_destroy(&devices);
}

/* Returns, in a new string, the configuration in effect: every fp-* key
 * that applies at start (fp-dpdk included) with its value, defaults
 * included. */
static char *
ovs_offload_effective_string(void)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    struct ds s = DS_EMPTY_INITIALIZER;
    struct fp_device_config cfg;
    size_t i, n;

    ovs_offload_init();
    n = fp_device_list(devices, ARRAY_SIZE(devices));
    ds_put_cstr(&s, "fp-devices=");
    for (i = 0; i < n; i++) {
        ds_put_format(&s, "%s%s", i ? "," : "", fp_device_name(devices[i]));
    }
    if (n) {
        fp_device_get_config(devices[0], &cfg);
        for (i = 0; i < ARRAY_SIZE(knobs); i++) {
            const uint32_t *field = ALIGNED_CAST(const uint32_t *,
                                                 (char *) &cfg
                                                 + knobs[i].offset);

            ds_put_format(&s, " %s=%"PRIu32, knobs[i].key, *field);
        }
    }
    ds_put_format(&s, " fp-dpdk=%s",
                  netdev_offload_fp_dpdk_enabled() ? "true" : "false");
    return ds_steal_cstr(&s);
}

/* Parses other_config:fp-dpdk, "true" or "false" (the default).  Returns
 * its value, or false with a message for the operator appended to
 * 'errors' if it has another one.  Logs nothing (see
 * ovs_offload_parse_config()). */
bool
ovs_offload_parse_fp_dpdk(const struct smap *other_config,
                          struct svec *errors)
{
    const char *value = smap_get(other_config, "fp-dpdk");

    if (!value || !strcmp(value, "false")) {
        return false;
    } else if (!strcmp(value, "true")) {
        return true;
    }
    ovs_offload_config_error(errors, "other_config:fp-dpdk=%s is neither "
                             "\"true\" nor \"false\"; using false", value);
    return false;
}

/* A bad value of other_config:fp-dpdk, to log once ovs-vswitchd has
 * detached (see __wrap_daemonize_complete()), or NULL. */
static char *fp_dpdk_error;

/* Reads other_config:fp-dpdk, once, when the configuration is first read,
 * before OVS initializes DPDK (see __wrap_dpdk_init()).  A bad value is
 * kept for fp/show and logged later: a warning now would go to the
 * standard error of the process that started ovs-vswitchd as well. */
static void
ovs_offload_configure_dpdk(const struct smap *other_config)
{
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    size_t i;

    netdev_offload_fp_dpdk_set_enabled(
        ovs_offload_parse_fp_dpdk(other_config, &errors));
    for (i = 0; i < errors.n; i++) {
        svec_add(&config_errors, errors.names[i]);
        if (!fp_dpdk_error) {
            fp_dpdk_error = xstrdup(errors.names[i]);
        }
    }
    svec_destroy(&errors);
}

/* Reads the fp-* keys of the Open_vSwitch table's other_config.  The first
 * values read are the ones the devices get (see ovs_offload_init()); later
 * changes take effect when ovs-vswitchd restarts, as for
 * other_config:hw-offload, and are warned about once. */
static void
ovs_offload_configure(const struct smap *other_config)
{
    char *s = ovs_offload_config_string(other_config);

    if (!config_read) {
        smap_clone(&saved_config, other_config);
        applied_config = s;
        config_read = true;
        ovs_offload_configure_dpdk(other_config);
    } else if (strcmp(s, applied_config)
               && !nullable_string_is_equal(s, warned_config)) {
        char *effective = ovs_offload_effective_string();

        VLOG_WARN("other_config: the fp-* keys changed to \"%s\"; the "
                  "NICs keep their configuration (%s) until ovs-vswitchd "
                  "restarts", s, effective);
        free(effective);
        free(warned_config);
        warned_config = s;
    } else {
        free(s);
    }
}

/* bridge_run() calls netdev_set_flow_api_enabled() with the Open_vSwitch
 * table's other_config on every iteration of the main loop, before it
 * configures bridges and ports.  Our ovs-vswitchd is linked with
 * "-Wl,--wrap=netdev_set_flow_api_enabled", so that call comes here first:
 * the one place where we read the configuration and run periodic work
 * (putting waiting flows into the NICs), without patching OVS. */
void __wrap_netdev_set_flow_api_enabled(const struct smap *);
void __real_netdev_set_flow_api_enabled(const struct smap *);

void
__wrap_netdev_set_flow_api_enabled(const struct smap *ovs_other_config)
{
    ovs_offload_configure(ovs_other_config);
    netdev_fp_evb_run(ovs_other_config);
    __real_netdev_set_flow_api_enabled(ovs_other_config);
    netdev_offload_fp_run();
}

/* bridge_run() calls dpdk_init() with the Open_vSwitch table's other_config
 * right after netdev_set_flow_api_enabled(), on every iteration of the main
 * loop, and the call that initializes DPDK (other_config:dpdk-init=true)
 * registers OVS's rte_flow offload, the flow API "dpdk_flow_api", in the
 * same iteration as the bridges get their DPDK ports.  Our ovs-vswitchd is
 * linked with "-Wl,--wrap=dpdk_init", so that, with
 * other_config:fp-dpdk=true, we unregister it as soon as it is registered,
 * before any port can be assigned to it: then our flow API, with the
 * rte_flow driver, is the one that claims the "dpdk" netdevs (see
 * netdev-offload-fp-dpdk.c). */
void __wrap_dpdk_init(const struct smap *);
void __real_dpdk_init(const struct smap *);

void
__wrap_dpdk_init(const struct smap *ovs_other_config)
{
    static bool done;

    __real_dpdk_init(ovs_other_config);
    if (!done && dpdk_available()) {
        done = true;
        if (netdev_offload_fp_dpdk_enabled()) {
            netdev_unregister_flow_api_provider("dpdk_flow_api");
            VLOG_INFO("other_config:fp-dpdk=true: ovs-offload's flow API "
                      "(\"fp\", with the rte_flow driver) offloads the "
                      "flows of type=dpdk ports, in place of OVS's "
                      "netdev-offload-dpdk");
        }
    }
}

/* bridge_run() calls daemonize_complete() once ovs-vswitchd has configured
 * itself; until then, with --detach, its log also goes to the standard
 * error of the process that started it.  Our ovs-vswitchd is linked with
 * "-Wl,--wrap=daemonize_complete", so that a bad fp-dpdk value, read
 * before, is logged after it. */
void __wrap_daemonize_complete(void);
void __real_daemonize_complete(void);

void
__wrap_daemonize_complete(void)
{
    __real_daemonize_complete();
    if (fp_dpdk_error) {
        VLOG_WARN("%s", fp_dpdk_error);
        free(fp_dpdk_error);
        fp_dpdk_error = NULL;
    }
}

/* netdev-dpdk starts a DPDK port with rte_eth_dev_start() when it configures
 * it first and on every reconfiguration (a change of n_rxq, of the MTU, ...),
 * after stopping it, and a PMD may lose its rte_flow rules when its port
 * stops (unless it has RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP).  Our ovs-vswitchd
 * is linked with "-Wl,--wrap=rte_eth_dev_start", so that after every
 * successful start the rte_flow driver resets the port's device, whose
 * flows our flow API then puts back into it (see
 * offload_fp_device_reset_cb()). */
int __wrap_rte_eth_dev_start(uint16_t port_id);
int __real_rte_eth_dev_start(uint16_t port_id);

int
__wrap_rte_eth_dev_start(uint16_t port_id)
{
    int retval = __real_rte_eth_dev_start(port_id);

    if (!retval) {
        netdev_offload_fp_dpdk_port_started(port_id);
    }
    return retval;
}

/* ofproto-dpif sets, reads and deletes OpenFlow meters in dpif-netdev with
 * these three functions; dpif-netdev does not tell the flow API about
 * meters.  Our ovs-vswitchd is linked with --wrap for each, so that the
 * NICs get a copy of each meter, for the flows with a meter() action, and
 * their counters go back into the meter's statistics. */
int __wrap_dpif_meter_set(struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_config *);
int __real_dpif_meter_set(struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_config *);
int __wrap_dpif_meter_get(const struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_stats *, uint16_t n_bands);
int __real_dpif_meter_get(const struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_stats *, uint16_t n_bands);
int __wrap_dpif_meter_del(struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_stats *, uint16_t n_bands);
int __real_dpif_meter_del(struct dpif *, ofproto_meter_id,
                          struct ofputil_meter_stats *, uint16_t n_bands);

int
__wrap_dpif_meter_set(struct dpif *dpif, ofproto_meter_id id,
                      struct ofputil_meter_config *config)
{
    int error = __real_dpif_meter_set(dpif, id, config);

    if (!error && netdev_is_flow_api_enabled()) {
        ovs_offload_init();
        netdev_offload_fp_meter_set(id.uint32, config);
    }
    return error;
}

int
__wrap_dpif_meter_get(const struct dpif *dpif, ofproto_meter_id id,
                      struct ofputil_meter_stats *stats, uint16_t n_bands)
{
    int error = __real_dpif_meter_get(dpif, id, stats, n_bands);

    if (!error) {
        netdev_offload_fp_meter_get(id.uint32, stats);
    }
    return error;
}

int
__wrap_dpif_meter_del(struct dpif *dpif, ofproto_meter_id id,
                      struct ofputil_meter_stats *stats, uint16_t n_bands)
{
    int error = __real_dpif_meter_del(dpif, id, stats, n_bands);

    netdev_offload_fp_meter_del(id.uint32, error ? NULL : stats);
    return error;
}

/* Creates the NIC devices, once, from the configuration read first.
 * Called from the main thread before the first use of a device (an "fp"
 * netdev or an fp/ command), which is after ovs-vswitchd has read its
 * configuration; does nothing before. */
void
ovs_offload_init(void)
{
    if (config_read && !devices_created) {
        ovs_offload_create_devices(&saved_config);
        devices_created = true;
        netdev_fp_evb_apply();
    }
}

/* Returns the configuration errors (bad fp-* values) to show, or NULL if
 * the devices have not been created yet. */
const struct svec *
ovs_offload_get_config_errors(void)
{
    return devices_created ? &config_errors : NULL;
}
