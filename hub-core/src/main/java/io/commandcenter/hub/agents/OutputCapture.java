package io.commandcenter.hub.agents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A command's output read to its end while only a bounded part is kept: the first {@code kept}
 * bytes and the last {@code kept} bytes, with the count of those skipped between them. Filled by
 * one reader thread, read by another.
 */
final class OutputCapture {
    private final byte[] head;
    private final byte[] tail;
    private int headLength;
    private long tailWritten;
    private long total;

    OutputCapture(int kept) {
        this.head = new byte[kept];
        this.tail = new byte[kept];
    }

    /** Reads {@code in} to its end (or until it fails: a killed command's pipe), keeping both ends. */
    void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // The pipe closed under the reader (the process was killed): what was read is kept.
        }
    }

    synchronized void append(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (headLength < head.length) {
                head[headLength++] = bytes[i];
            } else {
                tail[(int) (tailWritten++ % tail.length)] = bytes[i];
            }
        }
        total += length;
    }

    /** The output kept, as text: the whole output when it fitted, else head, a skip note, and tail. */
    synchronized String text() {
        String first = new String(head, 0, headLength, StandardCharsets.UTF_8);
        if (tailWritten == 0) {
            return first;
        }
        int tailLength = (int) Math.min(tailWritten, tail.length);
        byte[] last = new byte[tailLength];
        int start = (int) ((tailWritten - tailLength) % tail.length);
        for (int i = 0; i < tailLength; i++) {
            last[i] = tail[(start + i) % tail.length];
        }
        long skipped = total - headLength - tailLength;
        String end = new String(last, StandardCharsets.UTF_8);
        return skipped == 0 ? first + end : first + "\n… " + skipped + " bytes not kept …\n" + end;
    }
}
