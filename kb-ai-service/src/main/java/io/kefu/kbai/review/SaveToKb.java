package io.kefu.kbai.review;

/** What an edited answer does to the KB: nothing, a new phrasing of the best item, or that item's new answer. */
enum SaveToKb {
    NONE, PHRASING, ANSWER;

    String code() {
        return name().toLowerCase();
    }
}
