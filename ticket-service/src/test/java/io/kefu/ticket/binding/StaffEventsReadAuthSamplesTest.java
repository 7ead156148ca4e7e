package io.kefu.ticket.binding;

import java.nio.file.Path;

import io.kefu.testsupport.EventContracts;
import io.kefu.ticket.binding.StaffConsumer.StaffDeactivated;
import io.kefu.ticket.binding.StaffConsumer.StaffProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ticket's records of auth's staff events read auth's committed samples. */
class StaffEventsReadAuthSamplesTest {

    static final Path AUTH = Path.of("../auth-service/contracts/events");

    @Test
    void staffEventsAreReadable() {
        StaffProfile created = EventContracts.readSampleData(AUTH, "auth.staff.created.v1", StaffProfile.class);
        assertThat(created.staffId()).isNotNull();
        assertThat(created.tenantId()).isNotNull();
        assertThat(created.name()).isNotBlank();
        assertThat(created.wecomUserId()).isNotBlank();
        assertThat(created.department()).isEqualTo("售后");
        assertThat(EventContracts.readSampleData(AUTH, "auth.staff.updated.v1", StaffProfile.class).version()).isEqualTo(2);
        assertThat(EventContracts.readSampleData(AUTH, "auth.staff.deactivated.v1", StaffDeactivated.class).staffId()).isNotNull();
    }
}
