package dev.fivefold.compress.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The file cut into B segments of {@code ceil(n/B)} bytes (the last may be shorter, and with
 * n &lt; B some are empty), read or written one byte of each per round through a bounded buffer
 * per segment: the whole file is never in memory.
 */
final class Segments {
  final long length, segmentLength;
  final long[] starts, ends;
  private final FileChannel ch;
  private final ByteBuffer[] buf;
  private final long[] filePos; // reader: next file position to fill from; writer: file position of buf[0]
  private final boolean writing;

  Segments(FileChannel ch, long length, int b, boolean writing) {
    this.ch = ch;
    this.length = length;
    this.writing = writing;
    segmentLength = Math.max(1, (length + b - 1) / b);
    starts = new long[b];
    ends = new long[b];
    buf = new ByteBuffer[b];
    filePos = new long[b];
    int cap = (int) Math.max(1 << 10, Math.min(1 << 16, (1L << 22) / b));
    for (int s = 0; s < b; s++) {
      starts[s] = Math.min(length, s * segmentLength);
      ends[s] = Math.min(length, starts[s] + segmentLength);
      filePos[s] = starts[s];
      buf[s] = ByteBuffer.allocate(cap);
      if (!writing) buf[s].limit(0);
    }
  }

  /** Rounds needed: the longest segment's length. */
  long rounds() {
    return ends[0] - starts[0];
  }

  /** Whether segment s has a byte in round r. */
  boolean has(int s, long r) {
    return starts[s] + r < ends[s];
  }

  /** The next byte of segment s (reader). */
  int read(int s) throws IOException {
    ByteBuffer b = buf[s];
    if (!b.hasRemaining()) {
      b.clear();
      b.limit((int) Math.min(b.capacity(), ends[s] - filePos[s]));
      while (b.hasRemaining()) {
        int r = ch.read(b, filePos[s]);
        if (r < 0) throw new IOException("file shrank while being read (segment " + s + " at byte " + filePos[s] + ")");
        filePos[s] += r;
      }
      b.flip();
    }
    return b.get() & 0xFF;
  }

  /** Appends byte v to segment s (writer). */
  void write(int s, int v) throws IOException {
    ByteBuffer b = buf[s];
    if (!b.hasRemaining()) flush(s);
    b.put((byte) v);
  }

  /** Writes every buffered byte (writer). */
  void flush() throws IOException {
    if (!writing) return;
    for (int s = 0; s < buf.length; s++) flush(s);
  }

  private void flush(int s) throws IOException {
    ByteBuffer b = buf[s];
    b.flip();
    while (b.hasRemaining()) filePos[s] += ch.write(b, filePos[s]);
    b.clear();
  }
}
