package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A job runs when deployed only if the XXL-JOB admin knows it: every {@code @XxlJob} handler of every
 * service has its registration in {@code deploy/xxl-job/initdb/2-kefu-jobs.sql}, with the cron, route and
 * blocking strategy of the service's configuration, and nothing else is registered.
 * {@code -Dkefu.jobs.write=true} (or {@code make xxl-job-sql}) rewrites the file from the code.
 */
class XxlJobRegistrationTest {

    @Test
    void everyHandlerInCodeHasACronAndEveryScheduleHasAHandler() {
        Map<String, XxlJobs.Executor> executors = XxlJobs.executors();
        assertThat(executors).as("services with an XXL-JOB executor").isNotEmpty();
        executors.values().forEach(e -> {
            TreeSet<String> scheduled = new TreeSet<>();
            e.jobs().forEach(j -> scheduled.add(j.handler()));
            assertThat(scheduled).as("%s: kefu.jobs.local.<handler> entries vs. its @XxlJob handlers %s "
                    + "(a handler needs a cron in application.yml; a cron needs a handler)", e.module(), e.handlers())
                    .containsExactlyInAnyOrderElementsOf(e.handlers());
            e.jobs().forEach(j -> assertThat(j.springCron()).as("%s cron of %s", e.module(), j.handler()).isNotBlank());
        });
    }

    @Test
    void theCommittedScriptRegistersExactlyTheJobsOfTheCode() throws IOException {
        String expected = XxlJobs.sql();
        if (Boolean.getBoolean("kefu.jobs.write")) {
            Files.writeString(XxlJobs.SQL, expected);
        }
        String committed = Files.readString(XxlJobs.SQL);
        List<String> inCode = XxlJobs.registered(expected);
        assertThat(XxlJobs.registered(committed))
                .as("jobs registered by %s (app handler cron route block) vs. the code; regenerate with `make xxl-job-sql`", XxlJobs.SQL)
                .containsExactlyInAnyOrderElementsOf(inCode);
        assertThat(committed).as("%s is generated: regenerate with `make xxl-job-sql`", XxlJobs.SQL).isEqualTo(expected);
    }

    @Test
    void springCronsBecomeQuartzCronsWithTheSameSchedule() {
        assertThat(XxlJobs.quartz("0 17 3 * * *")).isEqualTo("0 17 3 * * ?");
        assertThat(XxlJobs.quartz("*/10 * * * * *")).isEqualTo("*/10 * * * * ?");
        assertThat(XxlJobs.quartz("0 0 9 * * MON-FRI")).isEqualTo("0 0 9 ? * MON-FRI");
        assertThat(XxlJobs.quartz("0 0 9 1 * ?")).isEqualTo("0 0 9 1 * ?");
        assertThatThrownBy(() -> XxlJobs.quartz("0 0 9 * * 1")).hasMessageContaining("MON-SUN");
        assertThatThrownBy(() -> XxlJobs.quartz("@hourly")).hasMessageContaining("6-field");
    }
}
