package io.kefu.kbai.answer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.kefu.common.config.LiveProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class AnswerConfiguration {

    @Bean
    LiveProperties<AnswerProperties> answerProperties(Environment environment) {
        return LiveProperties.bind(environment, AnswerProperties.class);
    }

    /**
     * Where questions are answered after their claim commits. Virtual threads: the work waits on the
     * model (bounded by {@link io.kefu.kbai.llm.ChatModels}) and the database. Nothing is lost when the
     * JVM dies with tasks queued: the claims stay pending until {@link AnswerJobs} takes them again.
     */
    @Bean(destroyMethod = "close")
    ExecutorService answerExecutor() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
