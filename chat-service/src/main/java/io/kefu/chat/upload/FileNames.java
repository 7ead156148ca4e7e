package io.kefu.chat.upload;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** The client's file name made safe to store and to show; it never becomes a path. */
final class FileNames {

    static final int MAX_LENGTH = 255;
    /** Control and format characters (NUL, CR/LF, right-to-left overrides that disguise "exe.jpg"). */
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}]");

    private FileNames() {
    }

    static String sanitise(@Nullable String name) {
        String n = name == null ? "" : name;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1); // drop any folder part
        n = INVISIBLE.matcher(n).replaceAll("").strip();
        if (n.isEmpty() || n.equals(".") || n.equals("..")) {
            n = "file";
        }
        if (n.length() > MAX_LENGTH) {
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 && n.length() - dot <= 16 ? n.substring(dot) : ""; // keep "….pdf" recognisable
            int end = MAX_LENGTH - ext.length();
            if (Character.isHighSurrogate(n.charAt(end - 1))) {
                end--; // never cut a character in half
            }
            n = n.substring(0, end) + ext;
        }
        return n;
    }
}
