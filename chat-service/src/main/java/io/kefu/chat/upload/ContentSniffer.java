package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.apache.tika.Tika;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The real type of an upload, from its bytes. The client's file name and part Content-Type are
 * claims: the name may only narrow what the bytes already are (a zip to a docx, an ISO media file to
 * mp4), never decide it. tika-core alone has no OOXML container detector, so a zip is taken for a
 * docx/xlsx/pptx only when its name says so and its entries look like one.
 */
@Component
class ContentSniffer {

    static final String SILK = "audio/silk";
    private static final String OCTET = MediaType.OCTET_STREAM.toString();
    private static final String TEXT = MediaType.TEXT_PLAIN.toString();
    private static final byte[] SILK_MAGIC = "#!SILK_V3".getBytes(StandardCharsets.US_ASCII);
    /** The part folder an OOXML package of each type must have (next to [Content_Types].xml). */
    private static final Map<String, String> OOXML_PARTS = Map.of(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/");

    /** Where Tika's first extension is not the one players and WeChat's media API expect. */
    private static final Map<String, String> EXTENSIONS = Map.of(SILK, ".silk", "audio/mpeg", ".mp3", "audio/mp4", ".m4a",
            "audio/x-m4a", ".m4a");

    private final Tika tika = new Tika();
    private final MimeTypes mimeTypes = MimeTypes.getDefaultMimeTypes();
    private final MediaTypeRegistry registry = mimeTypes.getMediaTypeRegistry();

    /**
     * @param file         the uploaded bytes
     * @param originalName the client's (sanitised) name, a hint only
     * @return the media type, without parameters
     */
    String detect(Path file, String originalName) throws IOException {
        String byBytes = tikaDetect(file, null);
        if (OCTET.equals(byBytes)) {
            // Nothing in tika-core's magic: WeChat voice (SILK) is the one unknown format we take.
            if (isSilk(file)) {
                return SILK;
            }
            return byBytes; // an octet stream is never narrowed by its name: that is how "x.jpg" would pass
        }
        String extension = extension(originalName);
        String detected = byBytes;
        if (!extension.isEmpty()) {
            String refined = tikaDetect(file, "f" + extension);
            // Tika already only refines within the bytes' type; checked here again because the rule is ours.
            if (refined.equals(byBytes) || registry.isSpecializationOf(MediaType.parse(refined), MediaType.parse(byBytes))) {
                detected = refined;
            }
        }
        if (TEXT.equals(detected) && !extension.isEmpty() && !TEXT.equals(tika.detect("f" + extension))) {
            // Text whose name claims another kind (a script called photo.jpg): refuse rather than guess.
            throw unsupported(detected, "the bytes are text but the name says " + tika.detect("f" + extension));
        }
        if (OOXML_PARTS.containsKey(detected) && !looksLikeOoxml(file, OOXML_PARTS.get(detected))) {
            throw unsupported("application/zip", "a zip that is not a valid " + detected + " package");
        }
        return detected;
    }

    /** The extension files of this type are stored under ({@code .bin} when Tika knows none). */
    String extensionFor(String mediaType) {
        if (EXTENSIONS.containsKey(mediaType)) {
            return EXTENSIONS.get(mediaType);
        }
        try {
            String ext = mimeTypes.forName(mediaType).getExtension();
            return ext.matches("\\.[a-z0-9]{1,8}") ? ext : ".bin";
        } catch (MimeTypeException e) {
            return ".bin";
        }
    }

    static String fileType(String mediaType) {
        if (mediaType.startsWith("image/")) {
            return "image";
        }
        if (mediaType.startsWith("audio/")) {
            return "voice";
        }
        if (mediaType.startsWith("video/")) {
            return "video";
        }
        return "document";
    }

    static KefuProblemException unsupported(String detected, String why) {
        return new KefuProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "Files of type " + detected + " are not accepted (" + why + ")", Map.of("detectedType", detected));
    }

    private String tikaDetect(Path file, @Nullable String name) throws IOException {
        try (InputStream in = TikaInputStream.get(file)) {
            String type = name == null ? tika.detect(in) : tika.detect(in, name);
            return MediaType.parse(type).getBaseType().toString().toLowerCase(Locale.ROOT);
        }
    }

    private static boolean isSilk(Path file) throws IOException {
        byte[] head = new byte[SILK_MAGIC.length + 1];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        }
        // WeChat writes 0x02 before the standard "#!SILK_V3" header.
        return read >= SILK_MAGIC.length && (Arrays.equals(head, 0, SILK_MAGIC.length, SILK_MAGIC, 0, SILK_MAGIC.length)
                || read > SILK_MAGIC.length && head[0] == 0x02
                        && Arrays.equals(head, 1, SILK_MAGIC.length + 1, SILK_MAGIC, 0, SILK_MAGIC.length));
    }

    /** Reads the central directory only (no inflating, so a zip bomb costs nothing here). */
    private static boolean looksLikeOoxml(Path file, String partFolder) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean contentTypes = false;
            boolean part = false;
            for (var entries = zip.entries(); entries.hasMoreElements() && !(contentTypes && part); ) {
                ZipEntry entry = entries.nextElement();
                contentTypes |= entry.getName().equals("[Content_Types].xml");
                part |= entry.getName().startsWith(partFolder);
            }
            return contentTypes && part;
        } catch (IOException e) {
            return false;
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return "";
        }
        String ext = name.substring(dot).toLowerCase(Locale.ROOT);
        return ext.matches("\\.[a-z0-9]{1,10}") ? ext : "";
    }
}
