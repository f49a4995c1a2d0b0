import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * sc-demo's stand-in for a service on the appliance (its sshd or web UI): listens on 127.0.0.1, a free port, which
 * it prints first; greets each connection and echoes every line back in upper case until the client closes.
 * Run: {@code java HelloService.java}.
 */
public class HelloService {
    public static void main(String[] args) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            System.out.println(listener.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = listener.accept();
                new Thread(() -> serve(socket)).start();
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
            out.println("hello from the appliance's local service");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line.toUpperCase());
            }
        } catch (Exception e) {
            System.err.println("connection ended: " + e.getMessage());
        }
    }
}
