package io.kefu.common.openapi;

import java.lang.reflect.Method;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules behind every service's OpenAPI summaries and 201s, on handler shapes the services use. */
class OpenApiShapeTest {

    static class TenantController {
        @PostMapping
        ResponseEntity<String> create() {
            return ResponseEntity.created(URI.create("/x")).body("x");
        }

        @PostMapping("/{id}/disable")
        ResponseEntity<String> disable() {
            return ResponseEntity.ok("x");
        }

        @GetMapping
        String listTenants() {
            return "x";
        }
    }

    static class ChannelAdminController {
        @PostMapping
        @ResponseStatus(HttpStatus.CREATED)
        String add() {
            return "x";
        }

        @PostMapping("/send")
        @ResponseStatus(HttpStatus.ACCEPTED)
        String createLater() {
            return "x";
        }
    }

    static Method method(Class<?> type, String name) throws NoSuchMethodException {
        return type.getDeclaredMethod(name);
    }

    @Test
    void aSummaryIsTheMethodsNameInWordsAndAOneWordNameTakesItsControllersNoun() throws Exception {
        assertThat(OpenApiAutoConfiguration.summaryOf(method(TenantController.class, "listTenants"))).isEqualTo("List tenants");
        assertThat(OpenApiAutoConfiguration.summaryOf(method(TenantController.class, "create"))).isEqualTo("Create tenant");
        assertThat(OpenApiAutoConfiguration.summaryOf(method(ChannelAdminController.class, "add"))).isEqualTo("Add channel admin");
    }

    @Test
    void createsAreThe201sOfResponseStatusOrAPostCreateReturningAResponseEntity() throws Exception {
        assertThat(OpenApiAutoConfiguration.creates(method(TenantController.class, "create"))).isTrue();
        assertThat(OpenApiAutoConfiguration.creates(method(ChannelAdminController.class, "add"))).isTrue();
        assertThat(OpenApiAutoConfiguration.creates(method(TenantController.class, "disable"))).isFalse();
        assertThat(OpenApiAutoConfiguration.creates(method(TenantController.class, "listTenants"))).isFalse();
        assertThat(OpenApiAutoConfiguration.creates(method(ChannelAdminController.class, "createLater")))
                .as("an explicit status other than 201 wins over the name").isFalse();
    }
}
