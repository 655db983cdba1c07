package dev.fivefold.spark;

import dev.fivefold.dist.Collective;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The N workers of a barrier stage joined in a TCP ring (rank r sends to r+1 and receives from
 * r−1, mod N), after one rendezvous in which every task learns every other's {@code host:port}
 * ({@code BarrierTaskContext.allGather}, once per stage: it costs about a second). Every send runs
 * on one writer thread per ring, so two ranks that both write large messages cannot deadlock.
 *
 * <ul>
 *   <li>{@link #allGather}: the ring all-gather (Patarasuk &amp; Yuan 2009): N−1 steps, at step s
 *       rank r forwards the payload of rank r−s and receives that of rank r−s−1; every link
 *       carries the N−1 other payloads once.</li>
 *   <li>{@link #sumInOrder}: a pipelined chain reduce then a pipelined broadcast around the same
 *       ring. Chunk by chunk, rank 0 sends its array to rank 1, which adds its own and forwards, …,
 *       rank N−1 ends with {@code ((x_0 + x_1) + x_2) + …} and sends it on around the ring to
 *       ranks 0 … N−2. Each link carries d floats per phase — 2·d·4 bytes per step against the
 *       textbook ring all-reduce's 2·(N−1)/N·d·4 — but it adds in rank order, as the simulator
 *       does, where a ring reduce-scatter adds each chunk in a rotated order (other bits).</li>
 * </ul>
 * Reads time out after {@code timeoutMillis}; a peer that dies closes its sockets, so the others
 * fail at once with an {@link UncheckedIOException} and Spark re-runs the stage.
 */
public final class Ring implements Collective, AutoCloseable {
  /** Floats per message of {@link #sumInOrder}: 256 KB, small enough to pipeline, large enough to stream. */
  static final int CHUNK = 1 << 16;

  private final int rank, size;
  private final Socket toNext, fromPrev;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final ExecutorService writer;
  private final List<Future<?>> pending = new ArrayList<>();
  private long wire;

  private Ring(int rank, int size, Socket toNext, Socket fromPrev) throws IOException {
    this.rank = rank;
    this.size = size;
    this.toNext = toNext;
    this.fromPrev = fromPrev;
    this.out = toNext == null ? null : new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
    this.in = fromPrev == null ? null : new DataInputStream(new BufferedInputStream(fromPrev.getInputStream(), 1 << 16));
    this.writer = toNext == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fivefold-ring-" + rank);
      t.setDaemon(true);
      return t;
    });
  }

  /** A server socket for this rank on {@code host} (any free port); its {@code host:port} is what the rendezvous shares. */
  public static ServerSocket listen(String host) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(host, 0), 4);
    return s;
  }

  /**
   * Joins the ring: connects to rank r+1's address and accepts rank r−1 on {@code server}
   * (closed after). {@code addresses} holds every rank's {@code host:port}, in rank order.
   */
  public static Ring connect(int rank, List<String> addresses, ServerSocket server, int timeoutMillis) throws IOException {
    int n = addresses.size();
    if (rank < 0 || rank >= n) throw new IllegalArgumentException("rank (" + rank + ") must be in [0, " + n + ")");
    try (server) {
      if (n == 1) return new Ring(0, 1, null, null);
      String next = addresses.get((rank + 1) % n);
      int colon = next.lastIndexOf(':');
      Socket to = new Socket();
      to.setTcpNoDelay(true);
      to.connect(new InetSocketAddress(next.substring(0, colon), Integer.parseInt(next.substring(colon + 1))), timeoutMillis);
      new DataOutputStream(to.getOutputStream()).writeInt(rank);
      server.setSoTimeout(timeoutMillis);
      Socket from = server.accept();
      from.setTcpNoDelay(true);
      from.setSoTimeout(timeoutMillis);
      int prev = new DataInputStream(from.getInputStream()).readInt();
      if (prev != (rank - 1 + n) % n) throw new IOException("rank " + rank + " was joined by rank " + prev + ", not " + ((rank - 1 + n) % n));
      return new Ring(rank, n, to, from);
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long wireBytes() {
    return wire;
  }

  @Override
  public List<byte[]> allGather(byte[] mine) {
    byte[][] all = new byte[size][];
    all[rank] = mine;
    for (int s = 0; s < size - 1; s++) {
      byte[] send = all[Math.floorMod(rank - s, size)];
      send(o -> {
        o.writeInt(send.length);
        o.write(send);
      }, 4L + send.length);
      byte[] got = read(i -> {
        int len = i.readInt();
        if (len < 0) throw new IOException("negative payload length " + len);
        byte[] b = new byte[len];
        i.readFully(b);
        return b;
      });
      all[Math.floorMod(rank - s - 1, size)] = got;
    }
    drain();
    return Arrays.asList(all);
  }

  @Override
  public float[] sumInOrder(float[] mine) {
    if (size == 1) return mine.clone();
    int d = mine.length;
    int last = size - 1;
    float[] result = new float[d];
    // reduce: 0 -> 1 -> ... -> N-1, chunk by chunk
    if (rank == 0) {
      send(o -> o.writeInt(d), 4);
      for (int off = 0; off < d || off == 0; off += CHUNK) {
        float[] c = Arrays.copyOfRange(mine, off, Math.min(d, off + CHUNK));
        sendFloats(c);
        if (d == 0) break;
      }
    } else {
      int theirs = read(DataInputStream::readInt);
      if (theirs != d) {
        throw new IllegalArgumentException("worker " + (rank - 1) + " sends " + theirs + " values, worker " + rank + " has " + d + ": mismatched shapes between workers");
      }
      if (rank < last) send(o -> o.writeInt(d), 4);
      for (int off = 0; off < d || off == 0; off += CHUNK) {
        float[] p = readFloats(Math.min(d, off + CHUNK) - off);
        for (int j = 0; j < p.length; j++) p[j] += mine[off + j]; // partial + own: the sum grows in rank order
        if (rank < last) sendFloats(p);
        else System.arraycopy(p, 0, result, off, p.length);
        if (d == 0) break;
      }
    }
    // broadcast: N-1 -> 0 -> 1 -> ... -> N-2
    if (rank == last) {
      for (int off = 0; off < d || off == 0; off += CHUNK) {
        sendFloats(Arrays.copyOfRange(result, off, Math.min(d, off + CHUNK)));
        if (d == 0) break;
      }
    } else {
      for (int off = 0; off < d || off == 0; off += CHUNK) {
        float[] p = readFloats(Math.min(d, off + CHUNK) - off);
        System.arraycopy(p, 0, result, off, p.length);
        if (rank != last - 1) sendFloats(p);
        if (d == 0) break;
      }
    }
    drain();
    return result;
  }

  private interface Write {
    void to(DataOutputStream o) throws IOException;
  }

  private interface Read<T> {
    T from(DataInputStream i) throws IOException;
  }

  private void sendFloats(float[] c) {
    send(o -> {
      ByteBuffer b = ByteBuffer.allocate(4 * c.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(c);
      o.writeInt(c.length);
      o.write(b.array());
    }, 4L + 4L * c.length);
  }

  private float[] readFloats(int expected) {
    return read(i -> {
      int n = i.readInt();
      if (n != expected) throw new IOException("chunk of " + n + " floats, expected " + expected);
      byte[] b = new byte[4 * n];
      i.readFully(b);
      float[] f = new float[n];
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
      return f;
    });
  }

  private void send(Write w, long bytes) {
    wire += bytes;
    pending.add(writer.submit(() -> {
      w.to(out);
      out.flush();
      return null;
    }));
  }

  private <T> T read(Read<T> r) {
    try {
      return r.from(in);
    } catch (SocketTimeoutException e) {
      throw new UncheckedIOException("rank " + rank + ": no word from rank " + Math.floorMod(rank - 1, size) + " within the timeout", e);
    } catch (EOFException e) {
      throw new UncheckedIOException("rank " + rank + ": rank " + Math.floorMod(rank - 1, size) + " closed the ring (peer lost)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("rank " + rank + ": reading from rank " + Math.floorMod(rank - 1, size) + " failed: " + e.getMessage(), e);
    }
  }

  /** Waits until every send so far is on the wire; rethrows a failed one. */
  private void drain() {
    try {
      for (Future<?> f : pending) f.get();
    } catch (ExecutionException e) {
      throw new UncheckedIOException("rank " + rank + ": sending to rank " + (rank + 1) % size + " failed: " + e.getCause().getMessage(),
          e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    } finally {
      pending.clear();
    }
  }

  @Override
  public void close() {
    if (writer != null) writer.shutdownNow();
    for (Socket s : new Socket[] {toNext, fromPrev}) {
      if (s == null) continue;
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
