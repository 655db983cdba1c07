package dev.fivefold.compress.zip;

import dev.fivefold.io.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The {@code .ffx} container: a fixed header, the arithmetic-coded payload, a trailer.
 *
 * <pre>
 * header (big-endian, {@value #SIZE} bytes)
 *   magic "FFX" 0x1A · u16 version (3; 2 had 12 context models and one match model, 1 the counter-based
 *     model of the first release) · u8 flags (1 network, 2 context, 4 static model)
 *   u16 segments · u8 layers · u8 heads · u16 width · u16 window · f32 lr · i64 seed · u8 tableBits
 *   u16 vector lanes (SIMD float lanes the network ran with; 0 without a network)
 *   32 bytes SHA-256 of the static checkpoint (zeros without one)
 *   u64 original length · u32 CRC32C of the original · u32 CRC32C of the header bytes before it
 * payload: the binary arithmetic code
 * trailer: u64 payload length · "FFXE"
 * </pre>
 *
 * Reading checks, in order: the magic (not an archive), the version (newer or older than this reader), the
 * header CRC (corrupt), the trailer and the file size (truncated); each failure is a
 * {@link BadInputException} naming the file.
 */
record Header(ZipSettings settings, boolean staticModel, int vectorLanes, byte[] modelSha256, long length, int crc) {
  static final int VERSION = 3;
  static final int SIZE = 4 + 2 + 1 + 2 + 1 + 1 + 2 + 2 + 4 + 8 + 1 + 2 + 32 + 8 + 4 + 4;
  static final int TRAILER = 12;
  private static final byte[] MAGIC = {'F', 'F', 'X', 0x1A};
  private static final byte[] END = {'F', 'F', 'X', 'E'};

  Header {
    if (modelSha256.length != 32) throw new IllegalArgumentException("modelSha256 (" + modelSha256.length + " bytes) must be 32 bytes");
  }

  byte[] bytes() {
    try {
      ByteArrayOutputStream bo = new ByteArrayOutputStream(SIZE);
      DataOutputStream o = new DataOutputStream(bo);
      ZipSettings s = settings;
      o.write(MAGIC);
      o.writeShort(VERSION);
      o.writeByte((s.network() ? 1 : 0) | (s.context() ? 2 : 0) | (staticModel ? 4 : 0));
      o.writeShort(s.segments());
      o.writeByte(s.layers());
      o.writeByte(s.heads());
      o.writeShort(s.width());
      o.writeShort(s.window());
      o.writeFloat(s.lr());
      o.writeLong(s.seed());
      o.writeByte(s.tableBits());
      o.writeShort(vectorLanes);
      o.write(modelSha256);
      o.writeLong(length);
      o.writeInt(crc);
      CRC32C c = new CRC32C();
      c.update(bo.toByteArray());
      o.writeInt((int) c.getValue());
      return bo.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] trailer(long payload) {
    return ByteBuffer.allocate(TRAILER).putLong(payload).put(END).array();
  }

  /**
   * Parses a header from the first bytes of {@code file} (fewer than {@link #SIZE} if the file is
   * shorter) and checks it against the file's size and its {@code trailer} (the last 12 bytes);
   * returns it with the payload length.
   */
  static Header parse(String file, byte[] head, int got, byte[] trailer, long fileSize) {
    if (got < 6 || !java.util.Arrays.equals(head, 0, 4, MAGIC, 0, 4)) {
      throw new BadInputException(file + ": not a fivefold zip archive (no FFX magic)");
    }
    ByteBuffer b = ByteBuffer.wrap(head, 0, got);
    b.position(4);
    int version = b.getShort() & 0xFFFF;
    if (version > VERSION) throw new BadInputException(file + ": archive format version " + version + " is newer than this fivefold reads (" + VERSION + "); use a newer fivefold");
    if (version < 1) throw new BadInputException(file + ": corrupt archive (format version 0)");
    if (version < VERSION) {
      throw new BadInputException(file + ": archive format version " + version + " is older than this fivefold reads (" + VERSION + "; its model "
          + "differs, so it cannot be decoded here); unzip it with the fivefold that made it (format " + version + ")");
    }
    if (got < SIZE) throw new BadInputException(file + ": truncated archive (" + fileSize + " bytes, shorter than its header)");
    CRC32C c = new CRC32C();
    c.update(head, 0, SIZE - 4);
    if ((int) c.getValue() != ByteBuffer.wrap(head, SIZE - 4, 4).getInt()) throw new BadInputException(file + ": corrupt archive (header checksum mismatch)");
    int flags = b.get() & 0xFF;
    int segments = b.getShort() & 0xFFFF, layers = b.get() & 0xFF, heads = b.get() & 0xFF, width = b.getShort() & 0xFFFF, window = b.getShort() & 0xFFFF;
    float lr = b.getFloat();
    long seed = b.getLong();
    int tableBits = b.get() & 0xFF, lanes = b.getShort() & 0xFFFF;
    byte[] sha = new byte[32];
    b.get(sha);
    long length = b.getLong();
    int crc = b.getInt();
    ZipSettings s;
    try {
      s = new ZipSettings((flags & 1) != 0, (flags & 2) != 0, segments, layers, heads, width, window, lr, seed, tableBits);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(file + ": corrupt archive (" + e.getMessage() + ")");
    }
    if (length < 0) throw new BadInputException(file + ": corrupt archive (length " + length + ")");
    if (fileSize < SIZE + TRAILER) throw new BadInputException(file + ": truncated archive (" + fileSize + " bytes, no trailer)");
    ByteBuffer t = ByteBuffer.wrap(trailer);
    long payload = t.getLong();
    if (!java.util.Arrays.equals(trailer, 8, 12, END, 0, 4) || payload != fileSize - SIZE - TRAILER) {
      throw new BadInputException(file + ": truncated or corrupt archive (" + fileSize + " bytes; the trailer does not match the size)");
    }
    return new Header(s, (flags & 4) != 0, lanes, sha, length, crc);
  }
}
