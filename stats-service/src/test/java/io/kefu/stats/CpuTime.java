package io.kefu.stats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * CPU time of this JVM and of the PostgreSQL backends serving its connections (found through the local ports of its
 * sockets to PostgreSQL in /proc, matched to {@code pg_stat_activity.client_port}), for the benchmark's figures per
 * event. Linux with a local PostgreSQL only; elsewhere the backends' part is empty.
 */
final class CpuTime {

    private CpuTime() {
    }

    static long jvmNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * This JVM's CPU time so far (nanoseconds) by kind of thread: the AMQP client's connection threads, by their Java
     * names; the JIT compilers, the garbage collector and the carriers of virtual threads (the consumers run on virtual
     * threads, and little else does while the backlog drains), by their native names (/proc); the total.
     */
    static Map<String, Long> jvmThreads() {
        Map<String, Long> out = new java.util.TreeMap<>();
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            String kind = name.startsWith("AMQP Connection") ? "AMQP" : null;
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (kind != null && nanos > 0) {
                out.merge(kind, nanos, Long::sum);
            }
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JIT"
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread") ? "GC"
                            : name.startsWith("ForkJoinPool") ? "virtual-thread carriers" : null;
                    if (kind != null) {
                        out.merge(kind, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            // not Linux: no JIT and GC figures
        }
        out.put("total", jvmNanos());
        return out;
    }

    /** The seconds of CPU of each kind between two readings of {@link #jvmThreads}; "other" is the rest of the total. */
    static String perKind(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        long rest = after.get("total") - before.get("total");
        for (Map.Entry<String, Long> e : after.entrySet()) {
            if (e.getKey().equals("total")) {
                continue;
            }
            long nanos = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            rest -= nanos;
            out.append(out.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%s %.1f s", e.getKey(), nanos / 1e9));
        }
        return out.append(String.format(java.util.Locale.ROOT, ", other %.1f s", rest / 1e9)).toString();
    }

    /** Backend pid → its CPU time so far (clock ticks). */
    static Map<Integer, Long> postgresBackends(JdbcTemplate jdbc) {
        Map<Integer, Long> out = new HashMap<>();
        Set<Integer> ports = ownPortsTo(5432);
        if (ports.isEmpty()) {
            return out;
        }
        List<Integer> pids = jdbc.queryForList("select pid from pg_stat_activity where client_port = any(?)", Integer.class,
                (Object) ports.toArray(Integer[]::new));
        pids.forEach(pid -> out.put(pid, ticks(pid)));
        return out;
    }

    /** Seconds of CPU the backends used between the two readings (a backend started in between counts from zero). */
    static double since(Map<Integer, Long> before, Map<Integer, Long> after) {
        long ticks = 0;
        for (Map.Entry<Integer, Long> e : after.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return ticks / 100.0; // USER_HZ
    }

    private static long ticks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Set<Integer> ownPortsTo(int remotePort) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return Set.of();
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[2].contains(":") && Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16) == remotePort
                            && inodes.contains(f[9])) {
                        ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no such table
            }
        }
        return ports;
    }
}
