package io.kefu.common.error;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ProblemHandlerTest {

    record Order(@NotBlank String name, @Max(10) int quantity) {
    }

    @RestController
    static class DemoController {

        @PostMapping("/orders")
        String create(@Valid @RequestBody Order order) {
            return "ok";
        }

        @GetMapping("/orders/{id}")
        String find(@PathVariable long id) {
            if (id == 404) {
                throw new KefuProblemException(ProblemType.NOT_FOUND, "Order 404 does not exist", java.util.Map.of("orderId", 404));
            }
            if (id == 503) {
                throw new org.springframework.transaction.CannotCreateTransactionException("Could not open JPA EntityManager for transaction",
                        new java.sql.SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 10000ms"));
            }
            throw new IllegalStateException("secret internal state");
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new DemoController())
            .setControllerAdvice(new ProblemHandler()).build();

    @Test
    void invalidFieldsGiveA400ProblemListingEachField() throws Exception {
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"\",\"quantity\":11}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://kefu.io/problems/validation-failed"))
                .andExpect(jsonPath("$.code").value("validation-failed"))
                .andExpect(jsonPath("$.errors.length()").value(2));
    }

    @Test
    void noDatabaseConnectionIsA503TheClientMayRetry() throws Exception {
        mvc.perform(get("/orders/503"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.code").value("service-unavailable"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Hikari"))));
    }

    @Test
    void unreadableJsonIsA400MalformedRequest() throws Exception {
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"name\":"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("malformed-request"));
    }

    @Test
    void aWrongMethodOrMediaTypeKeepsIts4xx() throws Exception {
        mvc.perform(put("/orders").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.code").value("method-not-allowed"));
        mvc.perform(post("/orders").contentType(MediaType.TEXT_PLAIN).content("x"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("unsupported-media-type"));
        mvc.perform(get("/orders/abc"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("validation-failed"));
    }

    @Test
    void aServiceProblemKeepsItsStatusCodeAndExtraProperties() throws Exception {
        mvc.perform(get("/orders/404"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("not-found"))
                .andExpect(jsonPath("$.detail").value("Order 404 does not exist"))
                .andExpect(jsonPath("$.orderId").value(404));
    }

    @Test
    void anUnexpectedErrorIsA500WithoutInternals() throws Exception {
        mvc.perform(get("/orders/1"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.code").value("internal-error"))
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret"))));
    }
}
