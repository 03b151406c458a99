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

#include "netdev-fp-evb.h"

#include <errno.h>
#include <string.h>

#include "netdev-fp-private.h"
#include "ovs-offload.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_fp_evb);

/* The EVB mode of the NICs, from other_config:fp-evb-mode, main thread
 * only.  'evb_read' is the value last read (NULL: none), 'evb_value' the
 * value last applied, 'evb_error' what is wrong with it (NULL: nothing);
 * 'evb_default' and 'evb_modes' (device name to mode, as a uintptr_t) the
 * modes of the last good value. */
static char *evb_read;
static char *evb_value;
static char *evb_error;
static enum fp_evb_mode evb_default = FP_EVB_VEB;
static struct shash evb_modes = SHASH_INITIALIZER(&evb_modes);

/* Parses 'value', a value of other_config:fp-evb-mode, into '*defaultp' and
 * 'modes' (an empty shash).  Returns NULL, or an error message to free (and
 * then the outputs are to be ignored). */
static char *
netdev_fp_evb_parse_mode(const char *value, enum fp_evb_mode *defaultp,
                         struct shash *modes)
{
    char *copy = xstrdup(value);
    char *save_ptr = NULL;
    char *error = NULL;
    bool has_default = false;
    char *item;

    *defaultp = FP_EVB_VEB;
    for (item = strtok_r(copy, ", ", &save_ptr); item;
         item = strtok_r(NULL, ", ", &save_ptr)) {
        char *colon = strchr(item, ':');
        const char *mode_s = colon ? colon + 1 : item;
        enum fp_evb_mode mode;

        if (!fp_evb_mode_from_string(mode_s, &mode)) {
            error = xasprintf("unknown EVB mode \"%s\"", mode_s);
            break;
        }
        if (!colon) {
            if (has_default) {
                error = xstrdup("two modes for all NICs");
                break;
            }
            has_default = true;
            *defaultp = mode;
            continue;
        }
        *colon = '\0';
        if (!fp_device_find(item)) {
            error = xasprintf("no such fp device \"%s\"", item);
            break;
        }
        if (!shash_add_once(modes, item, (void *) (uintptr_t) mode)) {
            error = xasprintf("two modes for %s", item);
            break;
        }
    }
    free(copy);
    return error;
}

/* Reads other_config:fp-evb-mode from 'ovs_other_config' and, once the
 * NICs exist, applies it (see netdev_fp_evb_apply()).  Main thread, on
 * every iteration of the main loop. */
void
netdev_fp_evb_run(const struct smap *ovs_other_config)
{
    const char *value = smap_get(ovs_other_config, "fp-evb-mode");

    if (!nullable_string_is_equal(value, evb_read)) {
        free(evb_read);
        evb_read = nullable_xstrdup(value);
    }
    if (ovs_offload_get_config_errors()) {
        netdev_fp_evb_apply();
    }
}

/* Gives every NIC the mode that other_config:fp-evb-mode, as last read,
 * says, at once and whenever a NIC's mode differs (a new value, a NIC
 * created later).  A bad value changes no NIC's mode: it is logged once
 * and shown by fp/show until it is fixed.  Main thread, once the NICs
 * exist: on every iteration of the main loop, and when ovs_offload_init()
 * has created them. */
void
netdev_fp_evb_apply(void)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    const char *value = evb_read;
    size_t i, n;

    if (!value && !evb_value && !shash_count(&evb_modes)
        && evb_default == FP_EVB_VEB) {
        /* Never configured: every NIC is a VEB, as it was created. */
        return;
    }
    if (!nullable_string_is_equal(value, evb_value)) {
        enum fp_evb_mode dflt;
        struct shash modes;
        char *error;

        shash_init(&modes);
        error = value ? netdev_fp_evb_parse_mode(value, &dflt, &modes) : NULL;
        if (!value) {
            dflt = FP_EVB_VEB;
        }
        free(evb_error);
        evb_error = NULL;
        if (error) {
            evb_error = xasprintf("other_config:fp-evb-mode=%s: %s (veb or "
                                  "vepa for every NIC, or DEVICE:MODE items "
                                  "such as fp0:vepa,fp1:veb, separated by "
                                  "commas); the NICs keep their modes",
                                  value, error);
            VLOG_WARN("%s", evb_error);
            free(error);
            shash_destroy(&modes);
        } else {
            shash_swap(&evb_modes, &modes);
            shash_destroy(&modes);
            evb_default = dflt;
        }
        free(evb_value);
        evb_value = nullable_xstrdup(value);
    }

    n = fp_device_list(devices, ARRAY_SIZE(devices));
    for (i = 0; i < n; i++) {
        void *data = shash_find_data(&evb_modes, fp_device_name(devices[i]));
        enum fp_evb_mode mode = data ? (uintptr_t) data : evb_default;

        if (fp_device_get_evb_mode(devices[i]) != mode) {
            int error = fp_device_set_evb_mode(devices[i], mode);

            if (error) {
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

                VLOG_WARN_RL(&rl, "%s: cannot be a %s (%s)",
                             fp_device_name(devices[i]),
                             fp_evb_mode_to_string(mode),
                             ovs_strerror(error));
            } else {
                VLOG_INFO("%s: EVB mode %s", fp_device_name(devices[i]),
                          fp_evb_mode_to_string(mode));
            }
        }
    }
}

/* Appends the error of other_config:fp-evb-mode, if any, to 's' as fp/show
 * shows configuration errors. */
void
netdev_fp_evb_show_errors(struct ds *s)
{
    if (evb_error) {
        ds_put_format(s, "configuration error: %s\n", evb_error);
    }
}

/* Appends to 's' the EVB mode of 'dev' for fp/show, if it is not a VEB (the
 * default). */
void
netdev_fp_evb_show_device(struct ds *s, const struct fp_device *dev)
{
    enum fp_evb_mode mode = fp_device_get_evb_mode(dev);

    if (mode != FP_EVB_VEB) {
        ds_put_format(s, "  evb: %s (uplink phy0)\n",
                      fp_evb_mode_to_string(mode));
    }
}

/* Appends to 's' the EVB settings and counters of 'port' of 'dev' for
 * fp/show: for an extended uplink, or a port whose EVB counters are not
 * zero, or a VF with an E-CID or groups other than the defaults. */
void
netdev_fp_evb_show_port(struct ds *s, const struct fp_device *dev,
                        uint32_t port)
{
    struct fp_device_config cfg;
    struct fp_evb_stats st;
    struct fp_port_ecid e;
    size_t i;

    fp_device_get_config(dev, &cfg);
    fp_port_get_evb_stats(dev, port, &st);
    if (port < cfg.n_phy_ports) {
        bool on = fp_port_get_extension(dev, port);

        if (on || st.etag_tx || st.etag_tx_drops || st.etag_rx
            || st.etag_rx_untagged_drops || st.etag_rx_unknown_drops
            || st.etag_rx_pruned) {
            ds_put_format(s, "    port extension: %s; e-tag tx: %"PRIu64
                          ", tx drops: %"PRIu64"; rx: %"PRIu64", untagged "
                          "drops: %"PRIu64", unknown e-cid drops: %"PRIu64
                          ", pruned: %"PRIu64"\n", on ? "on" : "off",
                          st.etag_tx, st.etag_tx_drops, st.etag_rx,
                          st.etag_rx_untagged_drops,
                          st.etag_rx_unknown_drops, st.etag_rx_pruned);
        }
        return;
    }

    fp_port_get_ecid(dev, port, &e);
    if (st.vepa_redirects || e.n_groups
        || (e.ecid && e.ecid != port - cfg.n_phy_ports + 1)) {
        ds_put_format(s, "    e-cid: %"PRIu32, e.ecid);
        if (e.n_groups) {
            ds_put_cstr(s, ", groups:");
            for (i = 0; i < e.n_groups; i++) {
                ds_put_format(s, "%s%"PRIu32, i ? "," : " ", e.groups[i]);
            }
        }
        ds_put_format(s, "; vepa redirects: %"PRIu64"\n", st.vepa_redirects);
    }
}

/* Returns true if 'key' is an Interface option of this file. */
bool
netdev_fp_evb_is_option(const char *key)
{
    return (!strcmp(key, "port-extension") || !strcmp(key, "vf-ecid")
            || !strcmp(key, "vf-ecid-groups"));
}


/* Returns true if the comma-separated list 'list' has an item that is empty
 * or only spaces.  A 'list' that is empty or only spaces has no items. */
static bool
netdev_fp_evb_has_empty_item(const char *list)
{
    const char *p = list;

    if (!list[strspn(list, " ")]) {
        return false;
    }
    for (;;) {
        size_t len = strcspn(p, ",");

        if (strspn(p, " ") >= len) {
            return true;
        }
        if (!p[len]) {
            return false;
        }
        p += len + 1;
    }
}

/* Parses the EVB options of 'args' for NIC port 'port' of 'dev', which
 * interface 'name' is bound to, into '*on' and '*ecid'.  Returns NULL or an
 * error message to free. */
static char *
netdev_fp_evb_parse(const char *name, const struct fp_device *dev,
                    uint32_t port, const struct smap *args, bool *on,
                    struct fp_port_ecid *ecid)
{
    const char *ext = smap_get(args, "port-extension");
    const char *vf_ecid = smap_get(args, "vf-ecid");
    const char *groups = smap_get(args, "vf-ecid-groups");
    struct fp_device_config cfg;
    char port_name[32];

    fp_device_get_config(dev, &cfg);
    fp_port_to_string(dev, port, port_name, sizeof port_name);
    memset(ecid, 0, sizeof *ecid);
    *on = false;

    if (ext) {
        if (port >= cfg.n_phy_ports) {
            return xasprintf("%s: options:port-extension is for physical "
                             "ports, and %s is a VF", name, port_name);
        }
        if (strcmp(ext, "true") && strcmp(ext, "false")) {
            return xasprintf("%s: options:port-extension=%s: true or false",
                             name, ext);
        }
        *on = !strcmp(ext, "true");
    }
    if ((vf_ecid || groups) && port < cfg.n_phy_ports) {
        return xasprintf("%s: options:%s is for VFs, and %s is a physical "
                         "port", name, vf_ecid ? "vf-ecid" : "vf-ecid-groups",
                         port_name);
    }
    if (vf_ecid) {
        unsigned int v;

        if (!str_to_uint(vf_ecid, 10, &v) || strchr(vf_ecid, '-')
            || v < 1 || v > FP_ECID_MAX) {
            return xasprintf("%s: options:vf-ecid=%s: a VF's E-CID is 1 to "
                             "%d (default: its VF index + 1)", name, vf_ecid,
                             FP_ECID_MAX);
        }
        ecid->ecid = v;
    }
    if (groups) {
        char *copy = xstrdup(groups);
        char *save_ptr = NULL;
        char *error = NULL;
        char *item;

        /* strtok_r() skips empty items, as in "4101,,4102" or
         * "4101,": refuse those. */
        if (netdev_fp_evb_has_empty_item(groups)) {
            goto bad_groups;
        }
        for (item = strtok_r(copy, ", ", &save_ptr); item;
             item = strtok_r(NULL, ", ", &save_ptr)) {
            unsigned int v;
            size_t i;

            if (!str_to_uint(item, 10, &v) || strchr(item, '-')
                || v < FP_ECID_GROUP_MIN || v > FP_ECID_GROUP_MAX
                || ecid->n_groups >= FP_ECID_MAX_GROUPS) {
                goto bad_groups;
            }
            for (i = 0; i < ecid->n_groups; i++) {
                if (ecid->groups[i] == v) {
                    goto bad_groups;
                }
            }
            ecid->groups[ecid->n_groups++] = v;
        }
        free(copy);
        return NULL;

    bad_groups:
        free(copy);
        error = xasprintf("%s: options:vf-ecid-groups=%s: a list of up to %d "
                          "distinct multicast E-CIDs, each %d to %d (GRP * "
                          "4096 + E-CID base, GRP 1 to 3)", name, groups,
                          FP_ECID_MAX_GROUPS, FP_ECID_GROUP_MIN,
                          FP_ECID_GROUP_MAX);
        memset(ecid, 0, sizeof *ecid);
        return error;
    }
    return NULL;
}

/* Applies the options port-extension, vf-ecid and vf-ecid-groups of 'args'
 * to the NIC port of 'netdev', which is bound.  On a bad option, the port
 * keeps its EVB settings and 'netdev->evb_error' says why (the Interface's
 * error column shows it), but the interface forwards all the same. */
void
netdev_fp_evb_set_config(struct netdev_fp *netdev, const struct smap *args)
    OVS_REQUIRES(netdev->mutex)
{
    const char *name = netdev_get_name(&netdev->up);
    struct fp_device *dev = netdev->fp_dev;
    uint32_t port = netdev->fp_port;
    struct fp_device_config cfg;
    struct fp_port_ecid ecid;
    char *error;
    bool on;
    int err;

    free(netdev->evb_error);
    netdev->evb_error = NULL;
    fp_device_get_config(dev, &cfg);
    error = netdev_fp_evb_parse(name, dev, port, args, &on, &ecid);
    if (error) {
        goto out;
    }
    if (port < cfg.n_phy_ports) {
        if (on != fp_port_get_extension(dev, port)) {
            err = fp_port_set_extension(dev, port, on);
            if (err) {
                error = xasprintf("%s: %s has no port extension (%s)", name,
                                  fp_device_name(dev), ovs_strerror(err));
            }
        }
        goto out;
    }

    err = fp_port_set_ecid(dev, port, &ecid);
    if (err == EEXIST) {
        struct fp_port_ecid other;
        char other_name[32] = "another VF";
        uint32_t p;

        for (p = cfg.n_phy_ports; p < cfg.n_phy_ports + cfg.n_vfs; p++) {
            fp_port_get_ecid(dev, p, &other);
            if (p != port && other.ecid == ecid.ecid) {
                fp_port_to_string(dev, p, other_name, sizeof other_name);
                break;
            }
        }
        error = xasprintf("%s: options:vf-ecid=%"PRIu32": E-CID %"PRIu32
                          " is %s's already (each VF has its own)", name,
                          ecid.ecid, ecid.ecid, other_name);
    } else if (err && (ecid.ecid || ecid.n_groups)) {
        error = xasprintf("%s: %s has no port extension (%s)", name,
                          fp_device_name(dev), ovs_strerror(err));
    }

out:
    if (error) {
        VLOG_WARN("%s; the port's EVB settings stay as they were", error);
        netdev->evb_error = error;
    }
}

/* Gives the NIC port of 'netdev', which it leaves, the EVB defaults: no
 * port extension, the default E-CID and no groups. */
void
netdev_fp_evb_unbind(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    static const struct fp_port_ecid no_ecid;
    struct fp_device_config cfg;

    if (netdev->fp_dev) {
        fp_device_get_config(netdev->fp_dev, &cfg);
        if (netdev->fp_port < cfg.n_phy_ports) {
            fp_port_set_extension(netdev->fp_dev, netdev->fp_port, false);
        } else {
            fp_port_set_ecid(netdev->fp_dev, netdev->fp_port, &no_ecid);
        }
    }
    free(netdev->evb_error);
    netdev->evb_error = NULL;
}

/* Adds to 'status' the EVB error of 'netdev', if any, as "evb_error" and
 * "error" (see patches/ovs/0004). */
void
netdev_fp_evb_get_status(const struct netdev_fp *netdev, struct smap *status)
    OVS_REQUIRES(netdev->mutex)
{
    if (netdev->evb_error) {
        smap_add(status, "evb_error", netdev->evb_error);
        smap_add_format(status, "error", "%s; the port's EVB settings stay "
                        "as they were", netdev->evb_error);
    }
}

/* Appends the EVB counters of the NIC port of 'netdev' to 'custom_stats':
 * for a VF, "vepa_redirects"; for a physical port, the E-TAG counters. */
void
netdev_fp_evb_get_custom_stats(const struct netdev_fp *netdev,
                               struct netdev_custom_stats *custom_stats)
    OVS_REQUIRES(netdev->mutex)
{
    struct fp_device_config cfg;
    struct fp_evb_stats st;
    struct {
        const char *name;
        uint64_t value;
    } c[6];
    size_t i, n = 0;

    if (!netdev->fp_dev) {
        return;
    }
    fp_device_get_config(netdev->fp_dev, &cfg);
    fp_port_get_evb_stats(netdev->fp_dev, netdev->fp_port, &st);
    if (netdev->fp_port >= cfg.n_phy_ports) {
        c[n].name = "vepa_redirects";
        c[n++].value = st.vepa_redirects;
    } else {
        c[n].name = "etag_tx";
        c[n++].value = st.etag_tx;
        c[n].name = "etag_tx_drops";
        c[n++].value = st.etag_tx_drops;
        c[n].name = "etag_rx";
        c[n++].value = st.etag_rx;
        c[n].name = "etag_rx_untagged_drops";
        c[n++].value = st.etag_rx_untagged_drops;
        c[n].name = "etag_rx_unknown_drops";
        c[n++].value = st.etag_rx_unknown_drops;
        c[n].name = "etag_rx_pruned";
        c[n++].value = st.etag_rx_pruned;
    }
    custom_stats->counters = xrealloc(custom_stats->counters,
                                      (custom_stats->size + n)
                                      * sizeof *custom_stats->counters);
    for (i = 0; i < n; i++) {
        struct netdev_custom_counter *cc
            = &custom_stats->counters[custom_stats->size++];

        memset(cc, 0, sizeof *cc);
        ovs_strlcpy(cc->name, c[i].name, NETDEV_CUSTOM_STATS_NAME_SIZE);
        cc->value = c[i].value;
    }
}

/* Appends to 's' what edge virtual bridging does to the outputs of 'rule'
 * of 'dev', for fp/explain: nothing if it does nothing to them, else
 * "; " and, for each output it changes, where the copy goes. */
void
netdev_fp_evb_explain_rule(struct ds *s, const struct fp_device *dev,
                           const struct fp_rule *rule)
{
    struct fp_device_config cfg;
    uint32_t in_port;
    bool from_vf, vepa;
    size_t i;

    if (!rule) {
        return;
    }
    fp_device_get_config(dev, &cfg);
    in_port = rule->key.in_port;
    from_vf = (rule->mask.in_port == UINT32_MAX
               && in_port >= cfg.n_phy_ports
               && in_port < cfg.n_phy_ports + cfg.n_vfs);
    vepa = fp_device_get_evb_mode(dev) == FP_EVB_VEPA;
    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];
        char name[32], out_name[32];
        uint32_t out;

        if (a->type != FP_ACTION_OUTPUT) {
            continue;
        }
        out = a->port;
        fp_port_to_string(dev, out, name, sizeof name);
        if (vepa && from_vf && out >= cfg.n_phy_ports) {
            out = 0;
            ds_put_format(s, "; vepa: the copy to %s leaves on phy0", name);
        }
        if (fp_port_get_extension(dev, out)) {
            struct fp_port_ecid e;

            fp_port_to_string(dev, out, out_name, sizeof out_name);
            if (from_vf) {
                fp_port_get_ecid(dev, in_port, &e);
                ds_put_format(s, "; port extension: %s pushes an E-TAG of "
                              "e-cid %"PRIu32, out_name, e.ecid);
            } else {
                ds_put_format(s, "; port extension: %s drops the copy (not "
                              "from a VF)", out_name);
            }
        }
    }
}

/* Appends to 's', for fp/trace and fp/inject, what edge virtual bridging
 * did to the copy of the output of step 'step' of 'trace': nothing if it
 * did nothing. */
void
netdev_fp_evb_put_output(struct ds *s, const struct fp_device *dev,
                         const struct fp_trace *trace, size_t step)
{
    const struct fp_trace_evb_out *o = &trace->evb_out[step];
    char name[32];

    fp_port_to_string(dev, o->port, name, sizeof name);
    if (o->redirected) {
        ds_put_format(s, " (vepa: on %s", name);
    }
    if (o->etag_drop) {
        ds_put_format(s, "%sport extension: not from a VF, dropped",
                      o->redirected ? ", " : " (");
    } else if (o->ecid) {
        ds_put_format(s, "%se-tag e-cid %"PRIu32, o->redirected ? ", " : " (",
                      o->ecid);
    }
    if (o->redirected || o->etag_drop || o->ecid) {
        ds_put_char(s, ')');
    }
}

/* Appends to 's', for fp/trace and fp/inject, what port extension did with
 * the packet of 'trace' (whose 'etag_rx' is not FP_TRACE_ETAG_NONE), on one
 * line without a newline. */
void
netdev_fp_evb_put_etag_rx(struct ds *s, const struct fp_device *dev,
                          const struct fp_trace *trace)
{
    const struct fp_etag *t = &trace->etag;
    char name[32];
    size_t i;

    if (trace->etag_rx == FP_TRACE_ETAG_UNTAGGED) {
        ds_put_cstr(s, "no E-TAG, dropped");
        return;
    }
    ds_put_format(s, "e-tag pcp %"PRIu8" dei %d ingress "
                  "e-cid %"PRIu16, t->pcp, t->dei, t->ingress_ecid_base);
    if (t->ingress_ecid_ext) {
        ds_put_format(s, " ext %"PRIu8, t->ingress_ecid_ext);
    }
    ds_put_format(s, " e-cid %"PRIu32,
                  (uint32_t) t->grp * (FP_ECID_MAX + 1) + t->ecid_base);
    if (t->ecid_ext) {
        ds_put_format(s, " ext %"PRIu8, t->ecid_ext);
    }
    if (trace->etag_rx == FP_TRACE_ETAG_UNKNOWN) {
        ds_put_cstr(s, ": no VF has it, dropped");
    } else {
        ds_put_cstr(s, ": untagged to");
        for (i = 0; i < MIN(trace->n_etag_ports, FP_TRACE_MAX_ETAG_PORTS);
             i++) {
            fp_port_to_string(dev, trace->etag_ports[i], name, sizeof name);
            ds_put_format(s, "%s %s", i ? "," : "", name);
        }
        if (trace->n_etag_ports > FP_TRACE_MAX_ETAG_PORTS) {
            ds_put_format(s, " and %"PRIuSIZE" more",
                          trace->n_etag_ports - FP_TRACE_MAX_ETAG_PORTS);
        }
    }
    if (trace->etag_pruned != FP_PORT_NONE) {
        fp_port_to_string(dev, trace->etag_pruned, name, sizeof name);
        ds_put_format(s, " (%s pruned: the source)", name);
    }
}
