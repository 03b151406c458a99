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

#include "fp-model.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "fp-afpacket.h"
#include "fp-parse.h"
#include "fp-table.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "pcap-file.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model);

COVERAGE_DEFINE(fp_model_hit);
COVERAGE_DEFINE(fp_model_miss);
COVERAGE_DEFINE(fp_model_exception);
COVERAGE_DEFINE(fp_model_malformed);
COVERAGE_DEFINE(fp_model_drop);

/* Room in front of a packet for the tags that a rule's actions may push. */
#define FP_MODEL_HEADROOM (FP_MAX_ACTIONS * 4)

/* The smallest buffer of an exception queue slot, to avoid growing it for
 * every slightly bigger packet. */
#define FP_MODEL_SLOT_MIN 2048

/* A packet in an exception queue.  A slot's buffer is kept when the packet
 * is taken, and only grows, so a queue in steady state does not
 * allocate. */
struct fp_model_slot {
    uint8_t *data;
    size_t size;
    size_t allocated;
};

struct fp_model_port {
    struct fp_model *model;     /* The device, for link callbacks. */
    uint32_t port_no;           /* This port's number. */
    struct fp_afpacket *link;   /* Linux interface outside, or NULL.  Set
                                 * and closed only by the control path,
                                 * read by engines under the mutex. */
    bool attached;              /* Has a representor. */
    struct fp_model_slot *queue;    /* FP_MODEL_QUEUE_LEN slots, NULL if
                                     * not attached. */
    size_t head;                /* Index of the oldest queued packet. */
    size_t n_queued;
    struct seq *seq;            /* Changes when a packet is queued. */
    struct pcap_file *pcap;     /* Capture of TX to the outside, or NULL. */
    struct fp_port_stats stats;
};

struct fp_model_rule {
    struct ovs_list node;       /* In 'fp_model.rules'. */
    struct fp_rule rule;
    struct fp_rule_stats stats;
};

/* A packet brought in by fp_port_inject(), on the injecting thread's stack
 * until an engine has processed it. */
struct fp_model_job {
    struct ovs_list node;       /* In 'fp_model.jobs'. */
    uint32_t port;
    const void *data;
    size_t size;
    bool done;                  /* Set by the engine when processed. */
};

struct fp_model_engine {
    struct fp_model *model;
    pthread_t thread;
    uint8_t *buf;               /* Private copy of the packet, with
                                 * FP_MODEL_HEADROOM in front. */
};

struct fp_model {
    struct fp_device up;

    /* Guards everything below except the immutable 'engines',
     * 'n_engines' and 'ports[].seq'. */
    struct ovs_mutex mutex;
    struct fp_table *table OVS_GUARDED;
    struct ovs_list rules OVS_GUARDED;  /* Of 'struct fp_model_rule'. */
    struct fp_model_port *ports OVS_GUARDED;
    uint64_t hits OVS_GUARDED;
    uint64_t misses OVS_GUARDED;

    struct ovs_list jobs OVS_GUARDED;   /* Of 'struct fp_model_job'. */
    pthread_cond_t job_cond;    /* Signaled when a job is queued. */
    pthread_cond_t done_cond;   /* Broadcast when a job is done. */
    bool exiting OVS_GUARDED;   /* Tells the engines to stop. */

    struct fp_model_engine *engines;
    size_t n_engines;
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static void *fp_model_engine_main(void *);

static struct fp_model *
fp_model_cast(const struct fp_device *dev)
{
    ovs_assert(dev->class == &fp_model_class);
    return CONTAINER_OF(dev, struct fp_model, up);
}

static int
fp_model_create(const char *name, const struct fp_device_config *config,
                struct fp_device **devp)
{
    struct fp_model *model = xzalloc(sizeof *model);
    uint32_t n_ports = config->n_phy_ports + config->n_vfs;
    size_t i;

    fp_device_init(&model->up, &fp_model_class, name, config);
    ovs_mutex_init(&model->mutex);
    model->table = fp_table_create(config->n_rules);
    ovs_list_init(&model->rules);
    model->ports = xcalloc(n_ports, sizeof *model->ports);
    for (i = 0; i < n_ports; i++) {
        model->ports[i].model = model;
        model->ports[i].port_no = i;
        model->ports[i].seq = seq_create();
    }
    ovs_list_init(&model->jobs);
    xpthread_cond_init(&model->job_cond, NULL);
    xpthread_cond_init(&model->done_cond, NULL);

    model->n_engines = config->n_engines;
    model->engines = xcalloc(model->n_engines, sizeof *model->engines);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        engine->model = model;
        engine->buf = xmalloc(FP_MODEL_HEADROOM + FP_MODEL_MAX_FRAME);
        engine->thread = ovs_thread_create("fp_engine", fp_model_engine_main,
                                           engine);
    }

    *devp = &model->up;
    return 0;
}

/* Frees the exception queue of 'port' and marks it detached. */
static void
fp_model_port_free_queue(struct fp_model_port *port)
{
    size_t i;

    if (port->queue) {
        for (i = 0; i < FP_MODEL_QUEUE_LEN; i++) {
            free(port->queue[i].data);
        }
        free(port->queue);
        port->queue = NULL;
    }
    port->attached = false;
    port->head = port->n_queued = 0;
}

static void
fp_model_destroy(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    uint32_t n_ports = fp_device_n_ports(dev);
    struct fp_model_rule *rule;
    size_t i;

    /* Links inject packets and wait for the engines: close them first. */
    for (i = 0; i < n_ports; i++) {
        fp_afpacket_close(model->ports[i].link);
        model->ports[i].link = NULL;
    }

    ovs_mutex_lock(&model->mutex);
    model->exiting = true;
    xpthread_cond_broadcast(&model->job_cond);
    ovs_mutex_unlock(&model->mutex);
    for (i = 0; i < model->n_engines; i++) {
        xpthread_join(model->engines[i].thread, NULL);
        free(model->engines[i].buf);
    }
    free(model->engines);

    LIST_FOR_EACH_POP (rule, node, &model->rules) {
        free(rule);
    }
    fp_table_destroy(model->table);
    for (i = 0; i < n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];

        fp_model_port_free_queue(port);
        if (port->pcap) {
            ovs_pcap_close(port->pcap);
        }
        seq_destroy(port->seq);
    }
    free(model->ports);

    xpthread_cond_destroy(&model->job_cond);
    xpthread_cond_destroy(&model->done_cond);
    ovs_mutex_destroy(&model->mutex);
    fp_device_uninit(&model->up);
    free(model);
}

static void
fp_model_get_stats(const struct fp_device *dev, struct fp_device_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->mutex);
    stats->hits = model->hits;
    stats->misses = model->misses;
    stats->n_rules = fp_table_count(model->table);
    ovs_mutex_unlock(&model->mutex);
}

/* Packet processing. */

/* Sends the 'size' bytes at 'data' out of 'port_no' to its outside. */
static void
fp_model_output(struct fp_model *model, uint32_t port_no,
                const void *data, size_t size)
    OVS_REQUIRES(model->mutex)
{
    struct fp_model_port *port = &model->ports[port_no];

    if (port->link && fp_afpacket_send(port->link, data, size)) {
        port->stats.drops++;
        COVERAGE_INC(fp_model_drop);
        return;
    }
    port->stats.tx_packets++;
    port->stats.tx_bytes += size;
    if (port->pcap) {
        struct dp_packet packet;

        dp_packet_use_const(&packet, data, size);
        ovs_pcap_write(port->pcap, &packet);
    }
}

/* Queues the 'size' bytes at 'data', which came in on 'port_no' and missed
 * ('malformed' false) or failed to parse ('malformed' true), for the
 * host. */
static void
fp_model_exception(struct fp_model *model, uint32_t port_no,
                   const void *data, size_t size, bool malformed)
    OVS_REQUIRES(model->mutex)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_slot *slot;

    if (!port->attached || port->n_queued >= FP_MODEL_QUEUE_LEN) {
        port->stats.drops++;
        COVERAGE_INC(fp_model_drop);
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": exception dropped (%s)",
                    model->up.name, port_no,
                    port->attached ? "queue full" : "no representor");
        return;
    }

    slot = &port->queue[(port->head + port->n_queued) % FP_MODEL_QUEUE_LEN];
    if (slot->allocated < size) {
        slot->allocated = MAX(size, FP_MODEL_SLOT_MIN);
        free(slot->data);
        slot->data = xmalloc(slot->allocated);
    }
    memcpy(slot->data, data, size);
    slot->size = size;
    port->n_queued++;

    if (malformed) {
        port->stats.malformed++;
        COVERAGE_INC(fp_model_malformed);
    } else {
        port->stats.exceptions++;
        COVERAGE_INC(fp_model_exception);
    }
    seq_change(port->seq);
}

/* Applies the actions of 'rule' to a copy of the 'size' bytes at 'data',
 * made in 'engine''s buffer. */
static void
fp_model_execute(struct fp_model *model, struct fp_model_engine *engine,
                 const struct fp_rule *rule, const void *data, size_t size)
    OVS_REQUIRES(model->mutex)
{
    uint8_t *pkt = engine->buf + FP_MODEL_HEADROOM;
    size_t i;

    memcpy(pkt, data, size);
    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];
        uint16_t type;

        switch (a->type) {
        case FP_ACTION_OUTPUT:
            fp_model_output(model, a->port, pkt, size);
            break;

        case FP_ACTION_PUSH_VLAN:
            /* At most FP_MAX_ACTIONS pushes fit in the headroom. */
            pkt -= 4;
            memmove(pkt, pkt + 4, 12);
            memcpy(pkt + 12, &a->vlan.tpid, 2);
            memcpy(pkt + 14, &a->vlan.tci, 2);
            size += 4;
            break;

        case FP_ACTION_POP_VLAN:
            type = (pkt[12] << 8) | pkt[13];
            if (size >= 18 && (type == 0x8100 || type == 0x88a8)) {
                memmove(pkt + 4, pkt, 12);
                pkt += 4;
                size -= 4;
            }
            break;

        default:
            OVS_NOT_REACHED();
        }
    }
}

/* Processes 'job' on 'engine'.  Called with the mutex held; releases it
 * while parsing. */
static void
fp_model_process(struct fp_model *model, struct fp_model_engine *engine,
                 const struct fp_model_job *job)
    OVS_REQUIRES(model->mutex)
{
    struct fp_model_port *port = &model->ports[job->port];
    struct fp_model_rule *rule;
    struct fp_key key;
    int error;

    ovs_mutex_unlock(&model->mutex);
    error = fp_parse(job->data, job->size, job->port, &key);
    ovs_mutex_lock(&model->mutex);

    port->stats.rx_packets++;
    port->stats.rx_bytes += job->size;
    if (error) {
        model->misses++;
        COVERAGE_INC(fp_model_miss);
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": malformed packet of %"PRIuSIZE
                    " bytes", model->up.name, job->port, job->size);
        fp_model_exception(model, job->port, job->data, job->size, true);
        return;
    }

    rule = fp_table_lookup(model->table, &key);
    if (!rule) {
        model->misses++;
        COVERAGE_INC(fp_model_miss);
        fp_model_exception(model, job->port, job->data, job->size, false);
        return;
    }

    model->hits++;
    COVERAGE_INC(fp_model_hit);
    rule->stats.n_packets++;
    rule->stats.n_bytes += job->size;
    rule->stats.used = time_msec();
    fp_model_execute(model, engine, &rule->rule, job->data, job->size);
}

static void *
fp_model_engine_main(void *engine_)
{
    struct fp_model_engine *engine = engine_;
    struct fp_model *model = engine->model;

    ovs_mutex_lock(&model->mutex);
    for (;;) {
        struct fp_model_job *job;

        while (!model->exiting && ovs_list_is_empty(&model->jobs)) {
            /* ovs_mutex_cond_wait() does not quiesce: do it here, or RCU
             * would wait for this thread forever. */
            ovsrcu_quiesce_start();
            ovs_mutex_cond_wait(&model->job_cond, &model->mutex);
            ovsrcu_quiesce_end();
        }
        if (model->exiting) {
            break;
        }

        job = CONTAINER_OF(ovs_list_pop_front(&model->jobs),
                           struct fp_model_job, node);
        fp_model_process(model, engine, job);
        job->done = true;
        xpthread_cond_broadcast(&model->done_cond);
    }
    ovs_mutex_unlock(&model->mutex);

    return NULL;
}

/* Ports. */

static int
fp_model_port_attach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port;
    int error = 0;

    ovs_mutex_lock(&model->mutex);
    port = &model->ports[port_no];
    if (port->attached) {
        error = EBUSY;
    } else {
        port->queue = xcalloc(FP_MODEL_QUEUE_LEN, sizeof *port->queue);
        port->head = port->n_queued = 0;
        port->attached = true;
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

static void
fp_model_port_detach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->mutex);
    fp_model_port_free_queue(&model->ports[port_no]);
    ovs_mutex_unlock(&model->mutex);
}

static int
fp_model_port_send(struct fp_device *dev, uint32_t port_no,
                   const void *data, size_t size)
{
    struct fp_model *model = fp_model_cast(dev);

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    ovs_mutex_lock(&model->mutex);
    fp_model_output(model, port_no, data, size);
    ovs_mutex_unlock(&model->mutex);

    return 0;
}

static int
fp_model_port_recv(struct fp_device *dev, uint32_t port_no,
                   void *buf, size_t size, size_t *lenp)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port;
    int error;

    ovs_mutex_lock(&model->mutex);
    port = &model->ports[port_no];
    if (!port->n_queued) {
        error = EAGAIN;
    } else {
        struct fp_model_slot *slot = &port->queue[port->head];

        if (slot->size > size) {
            port->stats.drops++;
            COVERAGE_INC(fp_model_drop);
            error = EMSGSIZE;
        } else {
            memcpy(buf, slot->data, slot->size);
            error = 0;
        }
        *lenp = slot->size;
        port->head = (port->head + 1) % FP_MODEL_QUEUE_LEN;
        port->n_queued--;
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

static void
fp_model_port_recv_wait(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t seqno;
    bool empty;

    /* Read the seq first: a packet queued after the check below changes
     * it, so the wakeup is not lost. */
    seqno = seq_read(port->seq);
    ovs_mutex_lock(&model->mutex);
    empty = !port->n_queued;
    ovs_mutex_unlock(&model->mutex);

    if (empty) {
        seq_wait(port->seq, seqno);
    } else {
        poll_immediate_wake();
    }
}

static int
fp_model_port_inject(struct fp_device *dev, uint32_t port_no,
                     const void *data, size_t size)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_job job = {
        .port = port_no,
        .data = data,
        .size = size,
        .done = false,
    };

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    ovs_mutex_lock(&model->mutex);
    ovs_list_push_back(&model->jobs, &job.node);
    xpthread_cond_signal(&model->job_cond);
    while (!job.done) {
        ovs_mutex_cond_wait(&model->done_cond, &model->mutex);
    }
    ovs_mutex_unlock(&model->mutex);

    return 0;
}

/* Called on a link's receive thread for each packet received on it. */
static void
fp_model_link_rx(void *port_, const void *data, size_t size)
{
    struct fp_model_port *port = port_;

    fp_model_port_inject(&port->model->up, port->port_no, data, size);
}

static int
fp_model_port_set_link(struct fp_device *dev, uint32_t port_no,
                       const char *ifname)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_afpacket *link = NULL;
    struct fp_afpacket *old;

    if (ifname) {
        int error = fp_afpacket_open(ifname, fp_model_link_rx, port, &link);
        if (error) {
            return error;
        }
    }

    ovs_mutex_lock(&model->mutex);
    old = port->link;
    port->link = link;
    ovs_mutex_unlock(&model->mutex);

    /* Outside the mutex: closing waits for the link's thread, which may be
     * waiting for an engine. */
    fp_afpacket_close(old);
    return 0;
}

static int
fp_model_port_set_tx_pcap(struct fp_device *dev, uint32_t port_no,
                          const char *file_name)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port;
    int error = 0;

    ovs_mutex_lock(&model->mutex);
    port = &model->ports[port_no];
    if (port->pcap) {
        ovs_pcap_close(port->pcap);
        port->pcap = NULL;
    }
    if (file_name) {
        port->pcap = ovs_pcap_open(file_name, "wb");
        if (!port->pcap) {
            error = errno ? errno : EIO;
        }
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

static void
fp_model_port_get_stats(const struct fp_device *dev, uint32_t port_no,
                        struct fp_port_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->mutex);
    *stats = model->ports[port_no].stats;
    ovs_mutex_unlock(&model->mutex);
}

/* Rules. */

static int
fp_model_rule_add(struct fp_device *dev, const struct fp_rule *rule,
                  uint32_t *idp)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_rule *mrule = xzalloc(sizeof *mrule);
    int error;

    mrule->rule = *rule;

    ovs_mutex_lock(&model->mutex);
    error = fp_table_insert(model->table, &rule->key, &rule->mask,
                            rule->priority, mrule, idp);
    if (!error) {
        ovs_list_push_back(&model->rules, &mrule->node);
    }
    ovs_mutex_unlock(&model->mutex);

    if (error) {
        free(mrule);
    }
    return error;
}

static int
fp_model_rule_modify(struct fp_device *dev, uint32_t id,
                     const struct fp_rule *rule)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_rule *mrule;
    int error = 0;

    ovs_mutex_lock(&model->mutex);
    mrule = fp_table_get(model->table, id);
    if (!mrule) {
        error = ENOENT;
    } else {
        fp_table_modify(model->table, id, &rule->key, &rule->mask,
                        rule->priority, mrule);
        mrule->rule = *rule;
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

static int
fp_model_rule_delete(struct fp_device *dev, uint32_t id,
                     struct fp_rule_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    void *data;
    int error;

    ovs_mutex_lock(&model->mutex);
    error = fp_table_remove(model->table, id, &data);
    if (!error) {
        struct fp_model_rule *mrule = data;

        ovs_list_remove(&mrule->node);
        if (stats) {
            *stats = mrule->stats;
        }
        free(mrule);
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

static int
fp_model_rule_get_stats(struct fp_device *dev, uint32_t id,
                        struct fp_rule_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_rule *mrule;
    int error = 0;

    ovs_mutex_lock(&model->mutex);
    mrule = fp_table_get(model->table, id);
    if (mrule) {
        *stats = mrule->stats;
    } else {
        error = ENOENT;
    }
    ovs_mutex_unlock(&model->mutex);

    return error;
}

const struct fp_device_class fp_model_class = {
    .type = "model",
    .create = fp_model_create,
    .destroy = fp_model_destroy,
    .get_stats = fp_model_get_stats,
    .rule_add = fp_model_rule_add,
    .rule_modify = fp_model_rule_modify,
    .rule_delete = fp_model_rule_delete,
    .rule_get_stats = fp_model_rule_get_stats,
    .port_attach = fp_model_port_attach,
    .port_detach = fp_model_port_detach,
    .port_send = fp_model_port_send,
    .port_recv = fp_model_port_recv,
    .port_recv_wait = fp_model_port_recv_wait,
    .port_inject = fp_model_port_inject,
    .port_set_tx_pcap = fp_model_port_set_tx_pcap,
    .port_set_link = fp_model_port_set_link,
    .port_get_stats = fp_model_port_get_stats,
};
