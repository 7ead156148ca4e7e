# Kefu: the two set-up commands are `make run` and `make test` (see README.md).
# make only wraps the Maven wrapper and the choice of a JDK >= 21 (deploy/local/jdk.sh).
SHELL := /bin/bash
JDK   := export JAVA_HOME="$$(deploy/local/jdk.sh)" || exit 1; export PATH="$$JAVA_HOME/bin:$$PATH";
MVN   := ./mvnw -B --no-transfer-progress

.PHONY: run test test-unit stop build services status bench bench-open bench-sockets bench-callbacks bench-callback-accept bench-start bench-kb xxl-job-sql nacos-config

## run: build (when a source is newer than the jars) and start all eight services in the background against local PostgreSQL/Redis/RabbitMQ
run: services
	@$(JDK) deploy/local/build-if-stale.sh && deploy/local/run.sh

## test: every test of every module, against the real local services (or Testcontainers with Docker)
test: services
	@$(JDK) $(MVN) verify

## test-unit: unit tests only (*Test, *Tests): no Spring context, no PostgreSQL/Redis/RabbitMQ; a minute or two
test-unit:
	@$(JDK) $(MVN) -Punit verify

## xxl-job-sql: regenerate deploy/xxl-job/initdb/2-kefu-jobs.sql from the @XxlJob handlers and kefu.jobs.local crons
xxl-job-sql:
	@$(JDK) $(MVN) -q -pl deploy -am verify -Dtest=XxlJobRegistrationTest -Dsurefire.failIfNoSpecifiedTests=false -Dkefu.jobs.write=true

## nacos-config: regenerate deploy/nacos/<service>.yaml from the live properties records, their metadata and defaults
nacos-config:
	@$(JDK) $(MVN) -q -pl deploy -am verify -Dtest=NacosFilesCarryTheLiveSettingsTest -Dsurefire.failIfNoSpecifiedTests=false -Dkefu.nacos.write=true

## stop: stop what `make run` started
stop:
	@deploy/local/stop.sh

## build: package the services without running tests
build:
	@$(JDK) $(MVN) -q package -DskipTests

## services: make sure PostgreSQL, Redis and RabbitMQ are installed, up, and have the kefu role and database
services:
	@deploy/local/ensure-services.sh

## status: readiness of each service started by `make run`
status:
	@deploy/local/run.sh --status

## bench: Gatling chat benchmark through the gateway (starts its own suite; prints msg/s, p50/p95/p99 and raw baselines)
bench: services
	@$(JDK) $(MVN) -q install -DskipTests && $(MVN) -pl deploy -Pbench test-compile gatling:test $(BENCH_ARGS)

## bench-open: open workload through the gateway with all eight services (fixed arrival rates stepping up; per-process CPU per message; PostgreSQL statements per message with pg_stat_statements; -Dbench.jfr=true for hot spots; -Dbench.jit=c2 -Dbench.warmup-seconds=180 for the full JIT warmed up)
bench-open: services
	@$(JDK) $(MVN) -q install -DskipTests && $(MVN) -pl deploy -Pbench test -Dtest=OpenWorkloadBench -Dsurefire.failIfNoSpecifiedTests=false $(BENCH_ARGS)

## bench-callbacks: signed, encrypted Official Account callbacks at fixed rates through the gateway with all eight services (answer p50/p95/p99, processing into messages, CPU per callback)
bench-callbacks: services
	@$(JDK) $(MVN) -q install -DskipTests && $(MVN) -pl deploy -Pbench test -Dtest=CallbackBench -Dsurefire.failIfNoSpecifiedTests=false $(BENCH_ARGS)

## bench-callback-accept: JMH, no suite: µs of CPU per Official Account callback of chat's accept path (parse, msg_signature, AES, fields) and the old ways (a parser factory per document, WxJava's XStream, three secret openings); BENCH_ARGS="-prof gc" adds allocation, BENCH_ARGS="-jvmArgsAppend -XX:TieredStopAtLevel=1" runs C1 as the services do
bench-callback-accept:
	@$(JDK) $(MVN) -q -pl chat-service -am -Pjmh process-classes && \
	  java -cp "chat-service/target/jmh-classes:chat-service/target/classes:$$(cat chat-service/target/jmh.classpath)" \
	    org.openjdk.jmh.Main $(BENCH_ARGS)

## bench-start: start-up time (wall and CPU s to ready) and idle resident memory of each service, for each way of launching it (deploy/local/startup-bench.sh)
bench-start: services build
	@$(JDK) deploy/local/startup-bench.sh $(SERVICES)

## bench-sockets: 10,000 customers' and 500 agents' STOMP sessions held through the gateway (two instances past 9,000 sessions: open files) by one chat-service, all eight services running (drops, messages, RSS and CPU at rest, connect rate); BENCH_ARGS="-Dbench.sockets.customers=500 -Dbench.sockets.agents=50" for a quick run
bench-sockets: services
	@$(JDK) $(MVN) -q install -DskipTests && $(MVN) -pl deploy -Pbench test -Dtest=SocketCapacityBench -Dsurefire.failIfNoSpecifiedTests=false $(BENCH_ARGS)

## bench-kb: kb-ai's figures, printed (10,000-item import with embeddings; search p50/p95/p99 on a 10,000-item tenant under 50 concurrent queries); KB_SCALE_IMPORT=1000 for a shorter import
bench-kb: services
	@$(JDK) $(MVN) -q -pl kb-ai-service -am verify -Dtest=KnowledgeScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: bench-push
## bench-push: push-service's figures (10,000-recipient batch accept and full dispatch, priority-9 latency; p50/p99 over runs)
bench-push: services
	@$(JDK) $(MVN) -q -pl push-service -am verify -Pbench -Dtest=PushBenchmark -Dsurefire.failIfNoSpecifiedTests=false $(BENCH_ARGS)
