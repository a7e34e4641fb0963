package io.commandcenter.hub.agents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A command's output read to its end while only a bounded part is kept: the first {@code kept}
 * bytes and the last {@code kept} bytes, with the count of those skipped between them. Filled by
 * one reader thread, read by another.
 */
final class OutputCapture {
    /** How long the reader waits between looks at a pipe with nothing in it. */
    static final Duration POLL = Duration.ofMillis(10);

    private final byte[] head;
    private final byte[] tail;
    private int headLength;
    private long tailWritten;
    private long total;

    OutputCapture(int kept) {
        this.head = new byte[kept];
        this.tail = new byte[kept];
    }

    /**
     * Reads {@code in} while {@code running} holds and then what is left in it, keeping both ends. It
     * never blocks in {@code read()}: it reads only what is {@code available()}, looking again every
     * {@link #POLL}. A blocked read would hold the pipe stream's lock for as long as a process the
     * command left in the background keeps the pipe open, and the JDK's process reaper, which takes
     * that lock when the command exits, would wait with it. Everything the command wrote is in the
     * pipe by its exit, so once it has exited and the pipe is empty the reader ends.
     */
    void drain(InputStream in, BooleanSupplier running) {
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                boolean wasRunning = running.getAsBoolean();
                int available = in.available();
                if (available > 0) {
                    int n = in.read(buffer, 0, Math.min(available, buffer.length));
                    if (n < 0) {
                        return;
                    }
                    append(buffer, n);
                } else if (!wasRunning) {
                    return;
                } else {
                    LockSupport.parkNanos(POLL.toNanos());
                }
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
    String text() {
        return text(head.length, tail.length);
    }

    /**
     * At most the first {@code headBytes} and the last {@code tailBytes} of the output (each at most
     * what is kept), as text: the whole output when it fits, decoded as one; else the two ends with a
     * note of the bytes between them. A character cut at an edge is left out (counted as not kept), so
     * neither end starts or stops with half of one.
     */
    synchronized String text(int headBytes, int tailBytes) {
        byte[] last = new byte[(int) Math.min(tailWritten, tail.length)];
        int start = (int) ((tailWritten - last.length) % tail.length);
        for (int i = 0; i < last.length; i++) {
            last[i] = tail[(start + i) % tail.length];
        }
        byte[] first = Arrays.copyOf(head, headLength);
        if (total == first.length + last.length) {
            // nothing was skipped: one contiguous output
            byte[] all = Arrays.copyOf(first, first.length + last.length);
            System.arraycopy(last, 0, all, first.length, last.length);
            if (all.length <= headBytes + tailBytes) {
                return new String(all, StandardCharsets.UTF_8);
            }
            first = all;
            last = all;
        }
        int headEnd = completeEnd(first, Math.min(headBytes, first.length));
        int tailStart = completeStart(last, last.length - Math.min(tailBytes, last.length));
        long skipped = total - headEnd - (last.length - tailStart);
        return new String(first, 0, headEnd, StandardCharsets.UTF_8) + "\n… " + skipped + " bytes not kept …\n"
                + new String(last, tailStart, last.length - tailStart, StandardCharsets.UTF_8);
    }

    /** {@code end}, or less so that no UTF-8 character is cut at it (one starting before it and ending after). */
    static int completeEnd(byte[] bytes, int end) {
        for (int i = end - 1; i >= Math.max(0, end - 4); i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                int length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return i + length <= end ? end : i;
            }
        }
        return end;
    }

    /** {@code start}, or more so that it is not inside a UTF-8 character (past at most 3 continuation bytes). */
    static int completeStart(byte[] bytes, int start) {
        int i = start;
        while (i < bytes.length && i < start + 3 && (bytes[i] & 0xC0) == 0x80) {
            i++;
        }
        return i;
    }
}
