package io.kefu.common.job;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scheduled work ({@code kefu.jobs.*}). With {@code admin-addresses} set (env
 * {@code XXL_JOB_ADMIN_ADDRESSES}) the {@code @XxlJob} handlers register with the XXL-JOB admin,
 * which schedules them; otherwise they run on the local crons below, one instance per tick.
 *
 * @param adminAddresses   XXL-JOB admin URL(s), comma separated; empty means local schedule. At start.
 * @param accessToken      token shared with the admin. At start.
 * @param appname          executor name registered with the admin (default: application name). At start.
 * @param executorPort     port of the embedded executor server (each service its own). At start.
 * @param executorAddress  address the admin calls back; empty lets XXL-JOB choose ip:port. At start.
 * @param logPath          where XXL-JOB writes job logs. At start.
 * @param logRetentionDays days of job logs kept. At start.
 * @param zone             the business time zone every cron is read in, locally (live) and by the admin (at registration)
 * @param local            schedule per handler name: the one source of the crons, locally and in
 *                         {@code deploy/xxl-job/initdb/2-kefu-jobs.sql} (generated from it, checked by deploy's tests)
 */
@ConfigurationProperties("kefu.jobs")
public record JobsProperties(
        @DefaultValue("") String adminAddresses,
        @DefaultValue("") String accessToken,
        @Nullable String appname,
        @DefaultValue("9999") int executorPort,
        @DefaultValue("") String executorAddress,
        @DefaultValue("${java.io.tmpdir}/kefu/xxl-job") String logPath,
        @DefaultValue("7") int logRetentionDays,
        @DefaultValue("Asia/Shanghai") @NotBlank String zone,
        @DefaultValue Map<String, @Valid LocalJob> local) {

    public JobsProperties {
        try {
            ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kefu.jobs.zone is not a time zone: " + zone, e);
        }
    }

    public boolean adminConfigured() {
        return !adminAddresses.isBlank();
    }

    public ZoneId zoneId() {
        return ZoneId.of(zone);
    }

    /**
     * @param cron    Spring cron (6 fields, seconds first); empty disables the job locally
     * @param param   what {@code XxlJobHelper.getJobParam()} returns
     * @param maxRun  the lease of the no-overlap lock; a run that takes longer loses it
     * @param route   XXL-JOB executor route strategy registered for the admin (FIRST, ROUND, SHARDING_BROADCAST, ...)
     * @param block   XXL-JOB blocking strategy (SERIAL_EXECUTION, DISCARD_LATER, COVER_EARLY)
     */
    public record LocalJob(@DefaultValue("") String cron, @DefaultValue("") String param,
            @DefaultValue("10m") Duration maxRun,
            @DefaultValue("FIRST") @Pattern(regexp = "FIRST|LAST|ROUND|RANDOM|CONSISTENT_HASH|LEAST_FREQUENTLY_USED|LEAST_RECENTLY_USED|FAILOVER|BUSYOVER|SHARDING_BROADCAST") String route,
            @DefaultValue("SERIAL_EXECUTION") @Pattern(regexp = "SERIAL_EXECUTION|DISCARD_LATER|COVER_EARLY") String block) {
    }
}
