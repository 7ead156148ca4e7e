package io.kefu.ticket.project;

import java.util.Locale;

/** Seed 003: 售前 → 售中 → 售后, in that order only. */
public enum ProjectStage {
    PRESALE("售前"), IN_SALE("售中"), AFTERSALE("售后");

    private final String label;

    ProjectStage(String label) {
        this.label = label;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    @jakarta.persistence.Converter
    static class Column implements jakarta.persistence.AttributeConverter<ProjectStage, String> {
        @Override
        public String convertToDatabaseColumn(ProjectStage value) {
            return value == null ? null : value.wire();
        }

        @Override
        public ProjectStage convertToEntityAttribute(String value) {
            return value == null ? null : ProjectStage.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
