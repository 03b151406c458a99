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

/* The command fp/hold-deletes, for tests: while it is on, the flow API's
 * flow_del() without counters (that of dpif-netdev's offload threads)
 * waits before it takes a flow's rule out of the NIC, so that a test can
 * send packets while dpif-netdev has deleted a datapath flow and its
 * offload thread has not yet deleted the flow's rule, as happens when that
 * thread runs late. */

#include <config.h>

#include "netdev-offload-fp-private.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/thread.h"
#include "ovs-atomic.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp_hold);

static struct ovs_mutex offload_fp_hold_mutex = OVS_MUTEX_INITIALIZER;
static pthread_cond_t offload_fp_hold_cond = PTHREAD_COND_INITIALIZER;

/* Whether flow_del() waits, and how many calls of it wait now.
 * 'offload_fp_hold_set' is 'offload_fp_hold' for a look without the mutex,
 * so that a flow_del() pays no lock while the hold is off. */
static bool offload_fp_hold OVS_GUARDED_BY(offload_fp_hold_mutex);
static atomic_bool offload_fp_hold_set = ATOMIC_VAR_INIT(false);
static unsigned int offload_fp_n_held OVS_GUARDED_BY(offload_fp_hold_mutex);

/* Waits while fp/hold-deletes is on.  Called by flow_del() without
 * counters before it takes any lock of the flow API, so that flow_get(),
 * flow_put() and the NIC's engines go on meanwhile. */
void
netdev_offload_fp_hold_wait(void)
{
    bool set;

    atomic_read_relaxed(&offload_fp_hold_set, &set);
    if (OVS_LIKELY(!set)) {
        return;
    }

    ovs_mutex_lock(&offload_fp_hold_mutex);
    if (offload_fp_hold) {
        offload_fp_n_held++;
        while (offload_fp_hold) {
            ovs_mutex_cond_wait(&offload_fp_hold_cond,
                                &offload_fp_hold_mutex);
        }
        offload_fp_n_held--;
    }
    ovs_mutex_unlock(&offload_fp_hold_mutex);
}

/* fp/hold-deletes [on|off]: turns the hold on or off (off lets the waiting
 * deletions go on), then prints whether it is on and how many deletions
 * wait. */
static void
offload_fp_hold_unixctl(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux OVS_UNUSED)
{
    char *msg;

    if (argc > 1 && strcmp(argv[1], "on") && strcmp(argv[1], "off")) {
        unixctl_command_reply_error(conn, "expected \"on\" or \"off\"");
        return;
    }

    ovs_mutex_lock(&offload_fp_hold_mutex);
    if (argc > 1) {
        offload_fp_hold = !strcmp(argv[1], "on");
        atomic_store_relaxed(&offload_fp_hold_set, offload_fp_hold);
        if (!offload_fp_hold) {
            xpthread_cond_broadcast(&offload_fp_hold_cond);
        }
    }
    msg = xasprintf("%s, %u deletions waiting\n",
                    offload_fp_hold ? "on" : "off", offload_fp_n_held);
    ovs_mutex_unlock(&offload_fp_hold_mutex);

    unixctl_command_reply(conn, msg);
    free(msg);
}

/* Registers fp/hold-deletes. */
void
netdev_offload_fp_hold_register(void)
{
    unixctl_command_register("fp/hold-deletes", "[on|off]", 0, 1,
                             offload_fp_hold_unixctl, NULL);
}
