package io.kefu.common.job;

import com.xxl.job.core.executor.impl.XxlJobSpringExecutor;
import io.kefu.common.config.LiveProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** XXL-JOB executor when an admin is configured, the local Redisson-guarded schedule otherwise. */
@AutoConfiguration(afterName = "org.redisson.spring.starter.RedissonAutoConfigurationV4")
@ConditionalOnClass(XxlJobSpringExecutor.class)
public class JobsAutoConfiguration {

    @Bean
    LiveProperties<JobsProperties> kefuJobsProperties(Environment environment) {
        return LiveProperties.bind(environment, JobsProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${kefu.jobs.admin-addresses:}' != ''")
    static class XxlJobAdmin {

        @Bean
        XxlJobSpringExecutor kefuXxlJobExecutor(LiveProperties<JobsProperties> live, @Value("${spring.application.name}") String app) {
            JobsProperties props = live.get();
            XxlJobSpringExecutor executor = new XxlJobSpringExecutor();
            executor.setAdminAddresses(props.adminAddresses());
            executor.setAccessToken(props.accessToken());
            executor.setAppname(props.appname() == null || props.appname().isBlank() ? app : props.appname());
            executor.setPort(props.executorPort());
            if (!props.executorAddress().isBlank()) {
                executor.setAddress(props.executorAddress());
            }
            executor.setLogPath(props.logPath());
            executor.setLogRetentionDays(props.logRetentionDays());
            return executor;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${kefu.jobs.admin-addresses:}' == ''")
    @ConditionalOnBean(RedissonClient.class)
    static class LocalSchedule {

        @Bean
        LocalJobScheduler kefuLocalJobScheduler(ApplicationContext context, RedissonClient redisson,
                LiveProperties<JobsProperties> properties, @Value("${spring.application.name}") String app,
                @Value("${kefu.jobs.lock-namespace:}") String namespace, MeterRegistry meters) {
            // Instances of one deployment share their ticks and locks in Redis; a namespace keeps apart
            // deployments (or test runs, each with its own database) that share one Redis.
            return new LocalJobScheduler(context, redisson, properties, namespace.isBlank() ? app : namespace + ":" + app, meters);
        }
    }
}
