package io.kefu.common.job;

import java.net.ServerSocket;

import com.xxl.job.core.executor.impl.XxlJobSpringExecutor;
import io.kefu.testsupport.KefuInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** An XXL-JOB admin address switches jobs from the local schedule to the XXL-JOB executor. */
class JobsAutoConfigurationIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JobsAutoConfiguration.class))
            .withPropertyValues("spring.application.name=jobs-test")
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean(RedissonClient.class, JobsAutoConfigurationIT::redisson, bean -> bean.setDestroyMethodName("shutdown"));

    @Test
    void withoutAnAdminJobsRunOnTheLocalSchedule() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(LocalJobScheduler.class);
            assertThat(context).doesNotHaveBean(XxlJobSpringExecutor.class);
        });
    }

    @Test
    void withAnAdminTheXxlJobExecutorRegistersInstead() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        runner.withPropertyValues("kefu.jobs.admin-addresses=http://127.0.0.1:9/xxl-job-admin",
                        "kefu.jobs.executor-port=" + port, "kefu.jobs.log-path=target/xxl-job-logs")
                .run(context -> {
                    assertThat(context).hasSingleBean(XxlJobSpringExecutor.class);
                    assertThat(context).doesNotHaveBean(LocalJobScheduler.class);
                });
    }

    private static RedissonClient redisson() {
        KefuInfrastructure.Endpoints e = KefuInfrastructure.endpoints();
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + e.redisHost() + ":" + e.redisPort());
        return Redisson.create(config);
    }
}
