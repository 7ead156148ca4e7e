package io.kefu.common.job;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.xxl.job.core.context.XxlJobContext;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;

/**
 * Runs {@code @XxlJob} handlers on local crons when no XXL-JOB admin is configured.
 *
 * <p>Every instance computes the same tick times from the same cron; the first to claim a tick in
 * Redis ({@code kefu:job:<app>:<job>:<tick>}, set-if-absent with an expiry) runs it, so exactly one
 * instance runs each tick however many are up, even when a run ends before another instance's
 * clock reaches the tick. A Redisson lock per job additionally keeps a long run from overlapping
 * the next tick. The cron is read live before each tick, so a changed schedule needs no restart,
 * and a job with no cron is looked at again every {@link #IDLE_RECHECK}. Crons are read in the business
 * time zone {@code kefu.jobs.zone} (Asia/Shanghai), not the machine's, so "03:17" means the same hour
 * locally, in a UTC container and in the XXL-JOB admin (which runs with {@code TZ=Asia/Shanghai}).
 */
public class LocalJobScheduler implements SmartInitializingSingleton, SmartLifecycle {

    static final Duration IDLE_RECHECK = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(LocalJobScheduler.class);

    private final ApplicationContext context;
    private final RedissonClient redisson;
    private final LiveProperties<JobsProperties> properties;
    private final String app;
    private final MeterRegistry meters;
    private final String instanceId = UUID.randomUUID().toString();
    private final List<Job> jobs = new ArrayList<>();
    private ThreadPoolTaskScheduler scheduler;
    private volatile boolean running;

    public LocalJobScheduler(ApplicationContext context, RedissonClient redisson, LiveProperties<JobsProperties> properties,
            String app, MeterRegistry meters) {
        this.context = context;
        this.redisson = redisson;
        this.properties = properties;
        this.app = app;
        this.meters = meters;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : context.getBeanNamesForType(Object.class, false, false)) {
            Class<?> type = context.getType(name);
            if (type == null) {
                continue;
            }
            Map<Method, XxlJob> methods = MethodIntrospector.selectMethods(type,
                    (MethodIntrospector.MetadataLookup<XxlJob>) m -> AnnotatedElementUtils.findMergedAnnotation(m, XxlJob.class));
            methods.forEach((method, annotation) -> jobs.add(new Job(annotation.value(), name, method)));
        }
    }

    public List<String> jobNames() {
        return jobs.stream().map(Job::name).toList();
    }

    @Override
    public void start() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(Math.max(1, Math.min(4, jobs.size())));
        scheduler.setThreadNamePrefix("kefu-job-");
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
        running = true;
        jobs.forEach(this::scheduleNext);
        if (!jobs.isEmpty()) {
            log.info("No XXL-JOB admin configured: running {} on local crons, one instance per tick", jobNames());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void scheduleNext(Job job) {
        if (!running) {
            return;
        }
        JobsProperties.LocalJob config = properties.get().local().get(job.name());
        ZonedDateTime now = ZonedDateTime.now(properties.get().zoneId());
        if (config == null || config.cron().isBlank()) {
            scheduler.schedule(() -> scheduleNext(job), now.plus(IDLE_RECHECK).toInstant());
            return;
        }
        CronExpression cron;
        try {
            cron = CronExpression.parse(config.cron());
        } catch (IllegalArgumentException e) {
            log.warn("Job {} has an invalid cron '{}': {}", job.name(), config.cron(), e.getMessage());
            scheduler.schedule(() -> scheduleNext(job), now.plus(IDLE_RECHECK).toInstant());
            return;
        }
        ZonedDateTime next = cron.next(now);
        if (next == null) {
            return;
        }
        Instant tick = next.toInstant();
        scheduler.schedule(() -> {
            try {
                runTick(job, tick);
            } finally {
                scheduleNext(job);
            }
        }, tick);
    }

    /** Claims {@code tick} for this instance and runs the job; returns whether it ran here. */
    boolean runTick(Job job, Instant tick) {
        JobsProperties.LocalJob config = properties.get().local().getOrDefault(job.name(),
                new JobsProperties.LocalJob("", "", Duration.ofMinutes(10), "FIRST", "SERIAL_EXECUTION"));
        String key = "kefu:job:" + app + ":" + job.name();
        boolean claimed = redisson.<String>getBucket(key + ":" + tick.toEpochMilli())
                .setIfAbsent(instanceId, Duration.ofHours(1));
        if (!claimed) {
            return false;
        }
        RLock lock = redisson.getLock(key);
        RBucket<Long> started = redisson.getBucket(key + ":started", LongCodec.INSTANCE);
        try {
            // No lease: Redisson's watchdog renews the lock while this process lives, so a kill -9 mid-run frees the job
            // within its timeout (30 s) instead of leaving it to nobody for max-run (10 min) after the restart.
            if (!lock.tryLock(0, TimeUnit.MILLISECONDS) && !(overdue(started, config.maxRun()) && takeOver(lock))) {
                log.info("Job {} skipped tick {}: the previous run is still going", job.name(), tick);
                meters.counter("kefu.job.runs", "job", job.name(), "outcome", "overlap").increment();
                return false;
            }
            started.set(Instant.now().toEpochMilli(), config.maxRun().plusHours(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        String outcome = "success";
        try {
            XxlJobContext.setXxlJobContext(new XxlJobContext(-1, config.param(), -1, tick.toEpochMilli(), null, 0, 1));
            invoke(job);
            return true;
        } catch (RuntimeException e) {
            outcome = "failure";
            log.error("Job {} failed at tick {}", job.name(), tick, e);
            return true;
        } finally {
            XxlJobContext.setXxlJobContext(null);
            meters.counter("kefu.job.runs", "job", job.name(), "outcome", outcome).increment();
            if (lock.isHeldByCurrentThread()) {
                // Its start goes with it: a later holder's start is written just after its tryLock, and a stale time
                // read in between would have looked overdue.
                started.delete();
                lock.unlock();
            }
        }
    }

    /** Whether the run holding the lock started more than {@code maxRun} ago (a run hung in a live process). */
    private static boolean overdue(RBucket<Long> started, Duration maxRun) {
        Long since = started.get();
        return since != null && Instant.ofEpochMilli(since).plus(maxRun).isBefore(Instant.now());
    }

    /** A run past its max-run no longer keeps the next tick from starting (as its lease ran out before). */
    private static boolean takeOver(RLock lock) throws InterruptedException {
        lock.forceUnlock();
        return lock.tryLock(0, TimeUnit.MILLISECONDS);
    }

    private void invoke(Job job) {
        Object bean = context.getBean(job.beanName());
        Method method = AopUtils.selectInvocableMethod(job.method(), bean.getClass());
        try {
            method.setAccessible(true);
            method.invoke(bean);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    record Job(String name, String beanName, Method method) {
    }
}
