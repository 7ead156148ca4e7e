package io.kefu.stats.dashboard;

/** Echoing user input in an error: printable, short. */
final class Texts {

    private Texts() {
    }

    static String shorten(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
