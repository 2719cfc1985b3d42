package io.bellhop.bench;

import java.util.List;

/**
 * Entry point of {@code bellhop-bench.jar}: {@code java -jar bellhop-bench.jar <mode> [--options]}.
 */
public final class Main {
  private static final String USAGE =
      """
      usage: java -jar bellhop-bench.jar <mode> [--option value ...]
        load     WebSocket subscribers + latency/exactly-once measurement
                 --protocol bellhop|broadcast|socketio --url ws://... ({org} is substituted)
                 --connections N (total over all processes) --first F --count C
                 --orgs K --rate DELIVERIES_PER_SEC --duration S (define the publish plan)
                 --connect-rate C/s --sources k --threads T --services finance[,..]
                 --deflate --idle-timeout S --max-wait S --hold S --out FILE
        publish  publish the same plan over HTTP
                 --target bellhop|baseline|ws|socketio --publish-url URL --connections --orgs --rate
                 --duration --warmup S --batch 500 --lanes 4 --tick-ms 5 --out FILE
        server   baseline broadcast server   --host 127.0.0.1 --port 18090 --threads T
        replay   resume-from-cursor timing against Bellhop
                 --http http://127.0.0.1:8080 --url ws://... --events M --publish-rate R
        chat     chat rooms (docs/benchmarks.md, "Chat"): --target bellhop|socketio
                 --urls ws://127.0.0.1:A[,ws://127.0.0.1:B] (members spread round-robin)
                 --rooms R --members M (per room) --senders S --rate MSG_PER_SEC --duration S
                 --warmup S --connect-rate C/s --org ORG --idle-timeout S --max-wait S --out FILE
        chat-presence  Bellhop: --urls A,B --members N --kill-node I --kill-pid PID (SIGKILLed)
                 --up-wait S --down-wait S --out FILE: time until survivors see the killed offline
        chat-reconnect Bellhop: --urls A[,B] --gap 1000 --runs 5 --out FILE: resume with `after`
        report   merge parts: --load F (repeatable) --publisher F --server F --client F
                 --part name=F (repeatable, e.g. nats=nats.json)
                 --meta key=value (repeatable) --out FILE
        attack   hostile clients vs. other clients' latency (see infra/bench/attack.sh)
                 --http http://127.0.0.1:8080 --attacks a,b,.. (default: all) --seconds 15
                 --server-pid PID --out FILE --warmup 10 --after 10 --victims 50
                 --victim-orgs 5 --rate 200 --probe-ms 200; --merge a.json,b.json --out FILE
                 attacks: wildcard-org time-claims unknown-type-flood ping-flood fragmented
                          deflate-bomb frame-rate slowloris unauth-sockets sse-flood
        plot     PNG charts of a suite run: --list bench/results/suite-<stamp>.list [--out DIR]
        jwt      print a token: --org org-7 [--sub u1] [--role staff|publisher|ops]
      env BELLHOP_JWT_SECRET: HS256 secret (default: Bellhop's dev secret)
      """;

  private Main() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    Args a = Args.parse(argv, 1);
    int rc =
        switch (argv[0]) {
          case "load" -> LoadGenerator.run(a);
          case "publish" -> Publisher.run(a);
          case "server" -> BroadcastServer.run(a);
          case "replay" -> ReplayBench.run(a);
          case "chat" -> ChatLoad.run(a);
          case "chat-presence" -> ChatPresence.run(a);
          case "chat-reconnect" -> ChatReconnect.run(a);
          case "report" -> Report.run(a);
          case "plot" -> Plot.run(a);
          case "attack" -> AttackSuite.run(a);
          case "jwt" -> {
            System.out.println(
                Jwt.fromEnv()
                    .mint(
                        a.str("sub", "bench-cli"),
                        a.str("org", "org-0"),
                        "Bench CLI",
                        List.of(a.str("role", "staff").split(","))));
            yield 0;
          }
          default -> {
            System.err.print(USAGE);
            yield 64;
          }
        };
    System.exit(rc);
  }
}
