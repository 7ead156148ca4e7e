package io.kefu.ticket.linking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

/** ticket's record of chat's {@code chat.wecom.contact-added.v1} reads chat's committed sample; the state's phone is found. */
class ContactEventReadsChatSampleTest {

    @Test
    void chatsContactAddedSampleIsReadableAndItsStateNamesAPhone() {
        ContactLinking.ContactAdded data = EventContracts.readSampleData(Path.of("../chat-service/contracts/events"),
                "chat.wecom.contact-added.v1", ContactLinking.ContactAdded.class);
        assertThat(data.customerId()).isEqualTo(UUID.fromString("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"));
        assertThat(data.followUserId()).isEqualTo("zhangsan");
        assertThat(ContactLinking.phoneOf(data.state())).isEqualTo("13800138000");
    }

    @Test
    void onlyAPhoneShapedStateNamesAPhone() {
        assertThat(ContactLinking.phoneOf("tel-+8613912345678")).isEqualTo("13912345678");
        assertThat(ContactLinking.phoneOf("phone:13912345678")).isEqualTo("13912345678");
        assertThat(ContactLinking.phoneOf("campaign-2025")).isNull();
        assertThat(ContactLinking.phoneOf("tel:1391234567")).isNull();
        assertThat(ContactLinking.phoneOf(null)).isNull();
    }

    @Test
    void mobilesAreReadWithSpacesDashesAndACountryCode() {
        assertThat(PhoneCodes.mobile(" +86 139-1234-5678 ")).isEqualTo("13912345678");
        assertThat(PhoneCodes.mobile("8613912345678")).isEqualTo("13912345678");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PhoneCodes.mobile("23912345678"))
                .isInstanceOf(io.kefu.common.error.KefuProblemException.class);
    }
}
