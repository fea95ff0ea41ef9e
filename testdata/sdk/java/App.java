// A small program profiled by the Grafana Pyroscope Java agent (io.pyroscope:agent, attached with
// -javaagent), for `npm run test:sdk`. Usage: javac -cp agent.jar App.java, then
// java -javaagent:agent.jar App SECONDS; the agent is configured through PYROSCOPE_* environment
// variables. Its hot method has a name the test looks for, and runs under the label handler=checkout.
import io.pyroscope.labels.v2.LabelsSet;
import io.pyroscope.labels.v2.Pyroscope;

public final class App {
    static long sink;

    // Integer mixing for 10 ms of each 20 ms, so the suite's programs share two cores.
    static void flamelensSdkJavaHotLoop(long untilNanos) throws InterruptedException {
        long x = 1;
        while (System.nanoTime() < untilNanos) {
            long stop = System.nanoTime() + 10_000_000L;
            while (System.nanoTime() < stop) {
                for (int i = 0; i < 10_000; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
            }
            sink += x;
            Thread.sleep(10);
        }
    }

    public static void main(String[] args) throws Exception {
        long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        Pyroscope.LabelsWrapper.run(new LabelsSet("handler", "checkout"), () -> {
            try {
                flamelensSdkJavaHotLoop(until);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        System.err.println("sdkjava: done " + (sink != 0));
        // The agent uploads what is left from its shutdown hook.
        System.exit(0);
    }
}
