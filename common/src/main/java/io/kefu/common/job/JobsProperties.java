package io.kefu.common.job;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scheduled work ({@code kefu.jobs.*}). With {@code admin-addresses} set (env
 * {@code XXL_JOB_ADMIN_ADDRESSES}) the {@code @XxlJob} handlers register with the XXL-JOB admin,
 * which schedules them; otherwise they run on the local crons below, one instance per tick.
 *
 * @param adminAddresses   XXL-JOB admin URL(s), comma separated; empty means local schedule
 * @param accessToken      token shared with the admin
 * @param appname          executor name registered with the admin (default: application name)
 * @param executorPort     port of the embedded executor server (each service its own)
 * @param executorAddress  address the admin calls back; empty lets XXL-JOB choose ip:port
 * @param logPath          where XXL-JOB writes job logs
 * @param logRetentionDays days of job logs kept
 * @param local            local schedule per handler name
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
        @DefaultValue Map<String, LocalJob> local) {

    public boolean adminConfigured() {
        return !adminAddresses.isBlank();
    }

    /**
     * @param cron    Spring cron (6 fields, seconds first); empty disables the job locally
     * @param param   what {@code XxlJobHelper.getJobParam()} returns
     * @param maxRun  the lease of the no-overlap lock; a run that takes longer loses it
     */
    public record LocalJob(@DefaultValue("") String cron, @DefaultValue("") String param,
            @DefaultValue("10m") Duration maxRun) {
    }
}
