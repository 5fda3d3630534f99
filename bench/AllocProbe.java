import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * Reads how many bytes a running JVM has allocated on its heap since it started: the {@code TotalThreadAllocatedBytes}
 * attribute of its Threading MXBean ({@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}, JDK 21+),
 * which counts every thread's allocations, those of threads that already ended included. Exact to the TLAB, unlike
 * a GC log's rounded heap figures, and it needs no flag on the measured JVM: the probe attaches (Attach API), starts
 * the JVM's local management agent and reads the attribute over that connection.
 *
 * <p>Used by {@code bench/run.sh} and {@code bench/alloc.sh} as a co-process: each line read on stdin is a pid; each
 * line written is that JVM's total in bytes (or {@code -1} if it cannot be read). A read costs the measured JVM a
 * few kilobytes of its own (the JMX call); the scripts measure that cost with no load and report it.
 */
public class AllocProbe {

    public static void main(String[] args) throws Exception {
        Map<String, MBeanServerConnection> connections = new HashMap<>();
        ObjectName threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String pid;
        while ((pid = in.readLine()) != null) {
            pid = pid.trim();
            if (pid.isEmpty()) {
                continue;
            }
            try {
                MBeanServerConnection connection = connections.get(pid);
                if (connection == null) {
                    VirtualMachine vm = VirtualMachine.attach(pid);
                    String address = vm.startLocalManagementAgent();
                    vm.detach();
                    connection = JMXConnectorFactory.connect(new JMXServiceURL(address)).getMBeanServerConnection();
                    connections.put(pid, connection);
                }
                System.out.println(connection.getAttribute(threading, "TotalThreadAllocatedBytes"));
            } catch (Exception e) {
                System.err.println("AllocProbe: " + pid + ": " + e);
                connections.remove(pid);
                System.out.println(-1);
            }
            System.out.flush();
        }
    }
}
