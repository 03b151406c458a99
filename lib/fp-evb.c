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

#include "fp/fp.h"

#include <errno.h>
#include <string.h>

#include "fp/fp-provider.h"
#include "util.h"

/* The core of "Edge virtual bridging" (include/fp/fp.h): checks and
 * dispatch to the driver. */

static bool
fp_evb_is_port(const struct fp_device *dev, uint32_t port)
{
    return port < dev->config.n_phy_ports + dev->config.n_vfs;
}

static bool
fp_evb_is_vf(const struct fp_device *dev, uint32_t port)
{
    return fp_evb_is_port(dev, port) && port >= dev->config.n_phy_ports;
}

/* Parses the FP_ETAG_LEN bytes at 'tag', an E-TAG from its TPID on, into
 * '*etag'.  Does not check the TPID. */
void
fp_etag_parse(const uint8_t tag[FP_ETAG_LEN], struct fp_etag *etag)
{
    uint16_t w1 = (tag[2] << 8) | tag[3];
    uint16_t w2 = (tag[4] << 8) | tag[5];

    etag->pcp = w1 >> 13;
    etag->dei = (w1 >> 12) & 1;
    etag->ingress_ecid_base = w1 & 0xfff;
    etag->grp = (w2 >> 12) & 3;
    etag->ecid_base = w2 & 0xfff;
    etag->ingress_ecid_ext = tag[6];
    etag->ecid_ext = tag[7];
}

/* Writes 'etag' as an E-TAG, TPID first, into the FP_ETAG_LEN bytes at
 * 'tag'.  Fields wider than the tag's are cut; reserved bits are zero. */
void
fp_etag_format(const struct fp_etag *etag, uint8_t tag[FP_ETAG_LEN])
{
    uint16_t w1 = (((etag->pcp & 7) << 13) | (etag->dei ? 1 << 12 : 0)
                   | (etag->ingress_ecid_base & 0xfff));
    uint16_t w2 = ((etag->grp & 3) << 12) | (etag->ecid_base & 0xfff);

    tag[0] = FP_ETAG_TPID >> 8;
    tag[1] = FP_ETAG_TPID & 0xff;
    tag[2] = w1 >> 8;
    tag[3] = w1;
    tag[4] = w2 >> 8;
    tag[5] = w2;
    tag[6] = etag->ingress_ecid_ext;
    tag[7] = etag->ecid_ext;
}

/* Returns "veb" or "vepa". */
const char *
fp_evb_mode_to_string(enum fp_evb_mode mode)
{
    return mode == FP_EVB_VEPA ? "vepa" : "veb";
}

/* Parses "veb" or "vepa" (lower case) into '*mode'.  Returns false for
 * anything else. */
bool
fp_evb_mode_from_string(const char *s, enum fp_evb_mode *mode)
{
    if (!strcmp(s, "veb")) {
        *mode = FP_EVB_VEB;
    } else if (!strcmp(s, "vepa")) {
        *mode = FP_EVB_VEPA;
    } else {
        return false;
    }
    return true;
}

/* Sets the EVB mode of 'dev'.  Returns 0, EINVAL for an unknown mode, or
 * EOPNOTSUPP if the device cannot be a VEPA. */
int
fp_device_set_evb_mode(struct fp_device *dev, enum fp_evb_mode mode)
{
    if (mode != FP_EVB_VEB && mode != FP_EVB_VEPA) {
        return EINVAL;
    }
    if (!dev->class->evb_set_mode) {
        return mode == FP_EVB_VEB ? 0 : EOPNOTSUPP;
    }
    return dev->class->evb_set_mode(dev, mode);
}

/* Returns the EVB mode of 'dev'. */
enum fp_evb_mode
fp_device_get_evb_mode(const struct fp_device *dev)
{
    return dev->class->evb_get_mode ? dev->class->evb_get_mode(dev)
                                    : FP_EVB_VEB;
}

/* Makes physical port 'port' of 'dev' an extended uplink ('on') or an
 * ordinary port.  Returns 0, EINVAL if 'port' is not a physical port, or
 * EOPNOTSUPP if the device has no port extension (only for 'on'). */
int
fp_port_set_extension(struct fp_device *dev, uint32_t port, bool on)
{
    if (!fp_evb_is_port(dev, port) || port >= dev->config.n_phy_ports) {
        return EINVAL;
    }
    if (!dev->class->port_set_extension) {
        return on ? EOPNOTSUPP : 0;
    }
    return dev->class->port_set_extension(dev, port, on);
}

/* Returns true if 'port' of 'dev' is an extended uplink. */
bool
fp_port_get_extension(const struct fp_device *dev, uint32_t port)
{
    return (fp_evb_is_port(dev, port) && dev->class->port_get_extension
            && dev->class->port_get_extension(dev, port));
}

/* Gives VF port 'vf_port' of 'dev' the unicast E-CID and the multicast
 * groups of 'ecid' ('ecid->ecid' 0: the default, VF index + 1).  Returns 0;
 * EINVAL if 'vf_port' is not a VF, or for an E-CID or a group out of
 * range, too many groups or a group twice; EEXIST if another VF has that
 * unicast E-CID; EOPNOTSUPP if the device has no port extension.  On
 * error, nothing changes. */
int
fp_port_set_ecid(struct fp_device *dev, uint32_t vf_port,
                 const struct fp_port_ecid *ecid)
{
    struct fp_port_ecid e = *ecid;
    size_t i, j;

    if (!fp_evb_is_vf(dev, vf_port) || e.ecid > FP_ECID_MAX
        || e.n_groups > FP_ECID_MAX_GROUPS) {
        return EINVAL;
    }
    for (i = 0; i < e.n_groups; i++) {
        if (e.groups[i] < FP_ECID_GROUP_MIN
            || e.groups[i] > FP_ECID_GROUP_MAX) {
            return EINVAL;
        }
        for (j = 0; j < i; j++) {
            if (e.groups[j] == e.groups[i]) {
                return EINVAL;
            }
        }
    }
    if (!e.ecid) {
        e.ecid = vf_port - dev->config.n_phy_ports + 1;
    }
    if (!dev->class->port_set_ecid) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_ecid(dev, vf_port, &e);
}

/* Stores the E-CIDs of VF port 'vf_port' of 'dev' in '*ecid': all zero if
 * it is not a VF or the device has no port extension. */
void
fp_port_get_ecid(const struct fp_device *dev, uint32_t vf_port,
                 struct fp_port_ecid *ecid)
{
    memset(ecid, 0, sizeof *ecid);
    if (fp_evb_is_vf(dev, vf_port) && dev->class->port_get_ecid) {
        dev->class->port_get_ecid(dev, vf_port, ecid);
    }
}

/* Stores the EVB counters of 'port' of 'dev' in '*stats': all zero if
 * 'port' is out of range or the device has none. */
void
fp_port_get_evb_stats(const struct fp_device *dev, uint32_t port,
                      struct fp_evb_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (fp_evb_is_port(dev, port) && dev->class->port_get_evb_stats) {
        dev->class->port_get_evb_stats(dev, port, stats);
    }
}
