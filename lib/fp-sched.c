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

#include "fp-sched.h"

#include <limits.h>
#include <string.h>

#include "fp-meter.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "util.h"

/* A queued packet. */
struct fp_sched_packet {
    uint8_t *data;
    size_t size;
};

struct fp_sched_bucket {
    uint64_t rate;              /* Bytes/s; 0: unlimited. */
    int64_t tokens;             /* Bytes * 1e6, at most 'capacity'. */
    int64_t capacity;           /* Bytes * 1e6. */
};

struct fp_sched_class {
    bool enabled;
    struct fp_qos_class config;     /* As last set, if 'enabled'. */
    uint32_t priority;
    uint64_t weight;
    struct fp_sched_bucket min;     /* Guaranteed rate; rate 0: none. */
    struct fp_sched_bucket max;     /* Ceiling; rate 0: the port's. */
    uint64_t vtime;                 /* Service over weight, scaled. */

    struct fp_sched_packet *fifo;   /* FP_SCHED_QUEUE_LEN entries. */
    size_t head;
    size_t n;

    struct fp_queue_stats stats;
};

struct fp_sched {
    struct ovs_mutex mutex;
    struct fp_sched_bucket port;
    uint32_t port_burst;        /* As last set. */
    long long int last;         /* time_usec() of the last refill. */
    size_t n_classes;           /* FP_QOS_N_QUEUES + ports. */
    atomic_size_t n_queued;     /* Packets in all classes. */
    uint64_t vtime;             /* Of the last class served. */

    /* Egress policer (fp_sched_set_policer()), if 'police_rate'. */
    uint64_t police_rate;
    uint64_t police_burst;
    struct fp_meter policer;

    struct fp_sched_class classes[];
};

/* The capacity of a bucket filling at 'rate' bytes/s with a burst of
 * 'burst' bytes, in bytes * 1e6; the default burst is 10 ms worth, at least
 * two full-sized frames.  At most a quarter of INT64_MAX, so that a bucket
 * below zero by a packet can be refilled without overflow. */
static int64_t
fp_sched_capacity(uint64_t rate, uint32_t burst)
{
    uint64_t bytes = burst ? burst : MAX(rate / 100, 2 * 1518);

    return MIN(bytes, INT64_MAX / 4 / 1000000) * 1000000;
}

static void
fp_sched_bucket_init(struct fp_sched_bucket *b, uint64_t rate,
                     uint32_t burst)
{
    b->rate = rate;
    b->capacity = fp_sched_capacity(rate, burst);
    b->tokens = b->capacity;
}

static void
fp_sched_bucket_refill(struct fp_sched_bucket *b, long long int delta_us)
{
    if (b->rate) {
        /* Up to a full bucket: the product is then at most 'room' plus
         * 'rate', so it cannot overflow. */
        int64_t rate = MIN(b->rate, INT64_MAX / 4);
        int64_t room = b->capacity - b->tokens;

        b->tokens = (delta_us >= room / rate + 1 ? b->capacity
                     : b->tokens + rate * delta_us);
    }
}

/* Returns true if 'b' lets a packet go: it has no rate limit, or it is not
 * below zero. */
static bool
fp_sched_bucket_open(const struct fp_sched_bucket *b)
{
    return !b->rate || b->tokens >= 0;
}

static void
fp_sched_bucket_take(struct fp_sched_bucket *b, size_t size)
{
    if (b->rate) {
        b->tokens -= (int64_t) size * 1000000;
    }
}

/* Creates a scheduler for a device with 'n_ports' ports: FP_QOS_N_QUEUES
 * queue classes and one class per port (for VFs), all disabled, with no
 * port rate.  Queue 0 is always enabled: it takes what no other class
 * takes. */
struct fp_sched *
fp_sched_create(size_t n_ports)
{
    size_t n_classes = FP_QOS_N_QUEUES + n_ports;
    struct fp_sched *s;
    size_t i;

    s = xzalloc(sizeof *s + n_classes * sizeof s->classes[0]);
    ovs_mutex_init(&s->mutex);
    s->n_classes = n_classes;
    atomic_init(&s->n_queued, 0);
    for (i = 0; i < n_classes; i++) {
        s->classes[i].weight = 1;
    }
    s->classes[0].enabled = true;
    s->classes[0].fifo = xcalloc(FP_SCHED_QUEUE_LEN,
                                 sizeof *s->classes[0].fifo);
    return s;
}

/* Frees 's' and the packets it holds. */
void
fp_sched_destroy(struct fp_sched *s)
{
    if (s) {
        size_t i;

        fp_sched_flush(s);
        for (i = 0; i < s->n_classes; i++) {
            free(s->classes[i].fifo);
        }
        if (s->police_rate) {
            fp_meter_destroy(&s->policer);
        }
        ovs_mutex_destroy(&s->mutex);
        free(s);
    }
}

static void
fp_sched_refill(struct fp_sched *s, long long int now)
    OVS_REQUIRES(s->mutex)
{
    long long int delta = now - s->last;
    size_t i;

    if (delta <= 0) {
        return;
    }
    s->last = now;
    fp_sched_bucket_refill(&s->port, delta);
    for (i = 0; i < s->n_classes; i++) {
        struct fp_sched_class *c = &s->classes[i];

        if (c->enabled) {
            fp_sched_bucket_refill(&c->min, delta);
            fp_sched_bucket_refill(&c->max, delta);
        }
    }
}

/* Brings the buckets of 's' to 'now' for a change of its configuration,
 * unless packets wait.  fp_sched_run() spends what the buckets earned since
 * 's->last' on the packets that wait, each at the time it was due; a refill
 * straight to 'now' would cap every bucket at its burst and lose the rest.
 * OVS sets a port's QoS again at each reconfiguration, which may come
 * between a step of the clock and the scheduler's next run. */
static void
fp_sched_settle(struct fp_sched *s, long long int now)
    OVS_REQUIRES(s->mutex)
{
    if (!s->last || fp_sched_is_empty(s)) {
        fp_sched_refill(s, now);
    }
}

/* Drops the packets of 'c', counting each in its 'tx_drops'.  Returns the
 * number dropped. */
static size_t
fp_sched_class_flush(struct fp_sched *s, struct fp_sched_class *c)
    OVS_REQUIRES(s->mutex)
{
    size_t n = c->n;

    while (c->n) {
        free(c->fifo[c->head].data);
        c->head = (c->head + 1) % FP_SCHED_QUEUE_LEN;
        c->n--;
    }
    c->stats.tx_drops += n;
    atomic_sub_relaxed(&s->n_queued, n, &(size_t) { 0 });
    return n;
}

/* Sets the port's rate to 'rate' bytes/s (0: unlimited) with a bucket of
 * 'burst' bytes (0: default), at time 'now' (time_usec()).  The bucket
 * starts full, unless neither changed. */
void
fp_sched_set_port(struct fp_sched *s, uint64_t rate, uint32_t burst,
                  long long int now)
{
    ovs_mutex_lock(&s->mutex);
    fp_sched_settle(s, now);
    if (rate != s->port.rate || burst != s->port_burst) {
        s->port_burst = burst;
        fp_sched_bucket_init(&s->port, rate, burst);
    }
    ovs_mutex_unlock(&s->mutex);
}

static bool
fp_sched_class_equal(const struct fp_qos_class *a,
                     const struct fp_qos_class *b)
{
    return (a->min_rate == b->min_rate && a->max_rate == b->max_rate
            && a->burst == b->burst && a->priority == b->priority
            && a->weight == b->weight);
}

/* Configures class 'class' as 'qc' says, or disables it if 'qc' is NULL
 * (its packets are dropped and counted; queue 0 cannot be disabled, NULL
 * gives it the defaults).  Its buckets start full, unless it was enabled
 * with the same configuration; its counters are kept.  'now' is
 * time_usec().  Returns the number of packets dropped. */
size_t
fp_sched_set_class(struct fp_sched *s, size_t class,
                   const struct fp_qos_class *qc, long long int now)
{
    static const struct fp_qos_class defaults;
    struct fp_sched_class *c;
    size_t n = 0;

    ovs_assert(class < s->n_classes);
    ovs_mutex_lock(&s->mutex);
    fp_sched_settle(s, now);
    c = &s->classes[class];
    if (!qc && class) {
        n = fp_sched_class_flush(s, c);
        c->enabled = false;
    } else if (!c->enabled
               || !fp_sched_class_equal(qc ? qc : &defaults, &c->config)) {
        qc = qc ? qc : &defaults;
        c->config = *qc;
        if (!c->fifo) {
            c->fifo = xcalloc(FP_SCHED_QUEUE_LEN, sizeof *c->fifo);
        }
        c->enabled = true;
        c->priority = qc->priority;
        c->weight = (qc->weight ? qc->weight
                     : MAX(qc->min_rate / 1000, 1));
        fp_sched_bucket_init(&c->min, (qc->max_rate
                                       ? MIN(qc->min_rate, qc->max_rate)
                                       : qc->min_rate), qc->burst);
        fp_sched_bucket_init(&c->max, qc->max_rate, qc->burst);
    }
    ovs_mutex_unlock(&s->mutex);

    return n;
}

/* Sets the egress policer of 's': a single rate three colour marker
 * (RFC 2697, colour-blind) with no excess bucket, filled at 'rate' bytes/s
 * up to 'burst' bytes (both nonzero), or none if 'rate' is 0.  Its bucket
 * starts full, unless neither changed.  'now' is time_usec(). */
void
fp_sched_set_policer(struct fp_sched *s, uint64_t rate, uint64_t burst,
                     long long int now)
{
    ovs_mutex_lock(&s->mutex);
    if (rate != s->police_rate || burst != s->police_burst) {
        struct fp_meter_config config = {
            .type = FP_METER_SRTCM,
            .cir = rate,
            .cbs = burst,
        };

        if (s->police_rate) {
            fp_meter_destroy(&s->policer);
        }
        s->police_rate = rate;
        s->police_burst = burst;
        if (rate) {
            fp_meter_init(&s->policer, &config, now);
        }
    }
    ovs_mutex_unlock(&s->mutex);
}

/* Returns false if the egress policer of 's' drops a packet of 'size'
 * bytes (what it counts, without headers the caller leaves out) at time
 * 'now' (time_usec()), true if it lets it go or 's' has none. */
bool
fp_sched_police(struct fp_sched *s, size_t size, long long int now)
{
    bool pass = true;

    ovs_mutex_lock(&s->mutex);
    if (s->police_rate) {
        pass = fp_meter_take(&s->policer, size, now) != FP_METER_RED;
    }
    ovs_mutex_unlock(&s->mutex);
    return pass;
}

/* Returns true if 's' holds no packet.  Without locking: a hint for the
 * threads that poll it. */
bool
fp_sched_is_empty(const struct fp_sched *s)
{
    size_t n;

    atomic_read_relaxed(&CONST_CAST(struct fp_sched *, s)->n_queued, &n);
    return !n;
}

/* Returns the class of a packet sent with queue 'queue' that came from NIC
 * port 'in_port' (FP_PORT_NONE if none): the queue if it is enabled and
 * not 0, else the class of 'in_port' if it is enabled, else queue 0 (the
 * default, which is also what a packet without a queue has). */
size_t
fp_sched_classify(const struct fp_sched *s, uint32_t queue, uint32_t in_port)
{
    if (queue && queue < FP_QOS_N_QUEUES && s->classes[queue].enabled) {
        return queue;
    }
    if (in_port != FP_PORT_NONE
        && in_port < s->n_classes - FP_QOS_N_QUEUES
        && s->classes[FP_QOS_N_QUEUES + in_port].enabled) {
        return FP_QOS_N_QUEUES + in_port;
    }
    return 0;
}

/* Queues a copy of the 'size' bytes at 'data' in class 'class'.  Returns
 * false, and counts a drop, if the class is full or disabled. */
bool
fp_sched_enqueue(struct fp_sched *s, size_t class, const void *data,
                 size_t size)
{
    struct fp_sched_class *c = &s->classes[class];
    bool queued = false;

    ovs_mutex_lock(&s->mutex);
    if (c->enabled && c->n < FP_SCHED_QUEUE_LEN) {
        struct fp_sched_packet *p;

        if (!c->n) {
            /* A class that starts to send again gets no credit for the
             * time it was idle. */
            c->vtime = MAX(c->vtime, s->vtime);
        }
        p = &c->fifo[(c->head + c->n++) % FP_SCHED_QUEUE_LEN];
        p->data = xmemdup(data, size);
        p->size = size;
        atomic_add_relaxed(&s->n_queued, 1, &(size_t) { 0 });
        queued = true;
    } else {
        c->stats.tx_drops++;
    }
    ovs_mutex_unlock(&s->mutex);

    return queued;
}

/* Returns the class to serve next, or NULL if no class may send now: a
 * class below its guaranteed rate if there is one, else one below its
 * ceiling; the lowest priority number first, then the least service for
 * its weight.  Sets '*guaranteed' to say which. */
static struct fp_sched_class *
fp_sched_pick(struct fp_sched *s, bool *guaranteed)
    OVS_REQUIRES(s->mutex)
{
    int round;

    for (round = 0; round < 2; round++) {
        struct fp_sched_class *best = NULL;
        size_t i;

        for (i = 0; i < s->n_classes; i++) {
            struct fp_sched_class *c = &s->classes[i];

            if (!c->n || !fp_sched_bucket_open(&c->max)
                || (!round && (!c->min.rate || c->min.tokens < 0))) {
                continue;
            }
            if (!best || c->priority < best->priority
                || (c->priority == best->priority && c->vtime < best->vtime)) {
                best = c;
            }
        }
        if (best) {
            *guaranteed = !round;
            return best;
        }
    }
    return NULL;
}

/* Returns the microseconds until 'b' lets a packet go. */
static long long int
fp_sched_bucket_wait(const struct fp_sched_bucket *b)
{
    return (fp_sched_bucket_open(b) ? 0
            : (-b->tokens + (int64_t) b->rate - 1) / (int64_t) b->rate);
}

/* Sends every packet that the rates let go up to time 'now' (time_usec()),
 * each through 'send' with 'aux', and returns the number sent.
 *
 * The scheduler works as if it ran continuously: from the time of its last
 * run, it moves from one instant at which a packet may go to the next, so
 * a caller that runs it seldom (a stopped clock moved in big steps) gets
 * the same packets out as one that runs it all the time.  Packets are
 * queued at the time of the call, so a caller runs it before it queues and
 * after. */
size_t
fp_sched_run(struct fp_sched *s, long long int now,
             fp_sched_send_func *send, void *aux)
{
    size_t n = 0;

    ovs_mutex_lock(&s->mutex);
    for (;;) {
        long long int wait = fp_sched_bucket_wait(&s->port);
        struct fp_sched_packet *p;
        struct fp_sched_class *c;
        bool guaranteed;

        if (!wait) {
            c = fp_sched_pick(s, &guaranteed);
            if (!c) {
                /* Only classes at their ceiling have packets, if any. */
                size_t i;

                wait = LLONG_MAX;
                for (i = 0; i < s->n_classes; i++) {
                    if (s->classes[i].n) {
                        wait = MIN(wait,
                                   fp_sched_bucket_wait(&s->classes[i].max));
                    }
                }
            }
        }
        if (wait) {
            if (wait == LLONG_MAX || now - s->last < wait) {
                break;
            }
            fp_sched_refill(s, s->last + wait);
            continue;
        }

        p = &c->fifo[c->head];
        c->head = (c->head + 1) % FP_SCHED_QUEUE_LEN;
        c->n--;
        atomic_sub_relaxed(&s->n_queued, 1, &(size_t) { 0 });

        fp_sched_bucket_take(&s->port, p->size);
        fp_sched_bucket_take(&c->max, p->size);
        if (guaranteed) {
            fp_sched_bucket_take(&c->min, p->size);
        }
        c->vtime += (uint64_t) p->size * 65536 / c->weight;
        s->vtime = c->vtime;
        c->stats.tx_packets++;
        c->stats.tx_bytes += p->size;

        send(aux, c - s->classes, p->data, p->size);
        free(p->data);
        n++;
    }
    fp_sched_refill(s, now);
    ovs_mutex_unlock(&s->mutex);

    return n;
}

/* Drops every queued packet, counting each in its class's 'tx_drops'.
 * Returns the number dropped. */
size_t
fp_sched_flush(struct fp_sched *s)
{
    size_t i, n = 0;

    ovs_mutex_lock(&s->mutex);
    for (i = 0; i < s->n_classes; i++) {
        n += fp_sched_class_flush(s, &s->classes[i]);
    }
    ovs_mutex_unlock(&s->mutex);

    return n;
}

/* Drops the packets queued in class 'class' of 's' (each counted in the
 * class's 'tx_drops') and returns how many. */
size_t
fp_sched_flush_class(struct fp_sched *s, size_t class)
{
    size_t n = 0;

    ovs_mutex_lock(&s->mutex);
    if (class < s->n_classes) {
        n = fp_sched_class_flush(s, &s->classes[class]);
    }
    ovs_mutex_unlock(&s->mutex);
    return n;
}

/* Stores the counters of class 'class' in '*stats'. */
void
fp_sched_get_stats(const struct fp_sched *s_, size_t class,
                   struct fp_queue_stats *stats)
{
    struct fp_sched *s = CONST_CAST(struct fp_sched *, s_);

    ovs_mutex_lock(&s->mutex);
    *stats = s->classes[class].stats;
    stats->backlog = s->classes[class].n;
    ovs_mutex_unlock(&s->mutex);
}
