package io.kefu.common.input;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.error.ProblemHandler;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** U+0000 everywhere text enters, and the framework's own bad-input exceptions: 4xx problems, never 500. */
class BadInputTest {

    enum Kind { A, B }

    record Item(String name, List<String> tags) {
    }

    record Order(@Size(max = 64) String name, List<Item> items, Map<String, Object> extra, JsonNode free, Kind kind, UUID id) {
    }

    @RestController
    static class Demo {

        @PostMapping("/orders")
        String create(@Valid @RequestBody Order order) {
            return "ok";
        }

        @PostMapping(path = "/forms", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
        String form(@RequestParam String name) {
            return "ok";
        }

        @GetMapping("/orders/{name}")
        String find(@PathVariable String name, @RequestParam(required = false) String q) {
            return "ok";
        }

        @PostMapping("/upload")
        String upload() {
            throw new MultipartException("Failed to parse multipart servlet request");
        }

        @PostMapping("/too-long")
        String tooLong() {
            throw new org.springframework.dao.DataIntegrityViolationException("x",
                    new java.sql.SQLException("value too long for type character varying(64)", "22001"));
        }

        @PostMapping("/nul-in-db")
        String nulInDb() {
            throw new org.springframework.dao.DataIntegrityViolationException("x",
                    new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
        }

        @PostMapping("/duplicate")
        String duplicate() {
            throw new org.springframework.dao.DataIntegrityViolationException("x", new java.sql.SQLException("duplicate key", "23505"));
        }
    }

    static final JsonMapper MAPPER = JsonMapper.builder().addModule(new NulTextModule())
            .addMixIn(org.springframework.http.ProblemDetail.class, org.springframework.http.converter.json.ProblemDetailJacksonMixin.class).build();

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Demo())
            .setMessageConverters(new JacksonJsonHttpMessageConverter(MAPPER))
            .addInterceptors(new NulRequestInterceptor())
            .setControllerAdvice(new ProblemHandler()).build();

    /** A JSON escape for U+0000, as a client would send it. */
    private static final String NUL = "\\" + "u0000";
    private static final String RAW_NUL = String.valueOf((char) 0);

    @Test
    void aNulInAnyJsonStringIsA400NamingTheField() throws Exception {
        String valid = "{\"name\":\"n\",\"items\":[{\"name\":\"i\",\"tags\":[\"t\"]}],\"extra\":{\"k\":\"v\",\"l\":[\"w\"]},"
                + "\"free\":{\"a\":[\"b\"]},\"kind\":\"A\",\"id\":\"" + UUID.randomUUID() + "\"}";
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content(valid)).andExpect(status().isOk());
        Map<String, String> cases = Map.of(
                "name", valid.replace("\"name\":\"n\"", "\"name\":\"n" + NUL + "\""),
                "items[0].name", valid.replace("\"name\":\"i\"", "\"name\":\"" + NUL + "\""),
                "items[0].tags[0]", valid.replace("[\"t\"]", "[\"t" + NUL + "\"]"),
                "extra.k", valid.replace("\"k\":\"v\"", "\"k\":\"" + NUL + "\""),
                "extra.l[0]", valid.replace("[\"w\"]", "[\"" + NUL + "\"]"),
                "extra", valid.replace("\"k\":\"v\"", "\"k" + NUL + "\":\"v\""),
                "free", valid.replace("[\"b\"]", "[\"b" + NUL + "\"]"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content(c.getValue()))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("validation-failed"))
                    .andExpect(jsonPath("$.errors[0].field").value(org.hamcrest.Matchers.startsWith(c.getKey().split("[.\\[]")[0])))
                    .andExpect(jsonPath("$.errors[0].message").value(NulCharacterException.MESSAGE));
        }
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content(cases.get("items[0].tags[0]")))
                .andExpect(jsonPath("$.errors[0].field").value("items[0].tags[0]"));
    }

    @Test
    void otherUnreadableFieldsAreNamedToo() throws Exception {
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"kind\":\"Z\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("malformed-request"))
                .andExpect(jsonPath("$.errors[0].field").value("kind"));
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"id\":\"not-a-uuid\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("id"));
    }

    @Test
    void aNulInQueryPathFormOrHeaderIsA400NamingIt() throws Exception {
        mvc.perform(get("/orders/{name}", "a" + RAW_NUL + "b")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("path.name"));
        mvc.perform(get("/orders/a").param("q", "x" + RAW_NUL)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("query.q"));
        mvc.perform(get("/orders/a").header("X-Name", "x" + RAW_NUL)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("header.X-Name"));
        mvc.perform(post("/forms").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("name", RAW_NUL))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors[0].field").value("query.name"));
        mvc.perform(get("/orders/a").param("q", "fine")).andExpect(status().isOk());
    }

    @Test
    void frameworkAndDatabaseRefusalsOfBadInputAre4xx() throws Exception {
        mvc.perform(post("/upload")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("malformed-request"));
        mvc.perform(post("/too-long")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("validation-failed"));
        mvc.perform(post("/nul-in-db")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("validation-failed"));
        mvc.perform(post("/duplicate")).andExpect(status().isConflict()).andExpect(jsonPath("$.code").value("conflict"));
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_XML).content("<x/>")).andExpect(status().isUnsupportedMediaType());
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("")).andExpect(status().isBadRequest());
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("[1,2]")).andExpect(status().isBadRequest());
        mvc.perform(post("/forms").contentType(MediaType.APPLICATION_FORM_URLENCODED)).andExpect(status().isBadRequest());
        mvc.perform(post("/forms").contentType(MediaType.APPLICATION_JSON).content("{}")).andExpect(status().isUnsupportedMediaType());
    }

    @Test
    void theModuleChecksTreesAndUntypedValues() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"a\":{\"b\":\"" + NUL + "\"}}", Object.class))
                .isInstanceOf(NulCharacterException.class);
        assertThatThrownBy(() -> MAPPER.readTree("{\"a\":\"" + NUL + "\"}")).isInstanceOf(NulCharacterException.class);
        assertThat(MAPPER.readValue("{\"a\":\"fine\"}", Map.class)).containsEntry("a", "fine");
    }
}
