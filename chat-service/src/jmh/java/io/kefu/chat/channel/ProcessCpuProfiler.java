package io.kefu.chat.channel;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof io.kefu.chat.channel.ProcessCpuProfiler}: the benchmark JVM's CPU time (every thread: the
 * benchmark's, GC, JIT) per operation. JMH's average time is wall time, which the other work sharing this
 * machine's two cores stretches; the CPU an operation costs is what a busy machine does not change as much.
 */
public class ProcessCpuProfiler implements InternalProfiler {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "CPU time of the whole benchmark JVM per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = OS.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getAllOps(); // every operation of the iteration, as the CPU was counted over all of it
        return ops == 0 ? List.of() : List.of(new ScalarResult("cpu.time.norm", cpu / 1000.0 / ops, "us/op", AggregationPolicy.AVG));
    }
}
