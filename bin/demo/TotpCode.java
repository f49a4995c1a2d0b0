import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.time.SystemTimeProvider;

/**
 * sc-demo's stand-in for the engineer's authenticator app: prints the current TOTP code (RFC 6238, SHA-1, 6 digits,
 * 30 s, the server's enrolment parameters) of a base32 secret, with the same library the server checks codes with.
 * Same as {@code oathtool --totp -b SECRET}. Run: {@code java -cp "support-server/target/lib/*" TotpCode.java SECRET}.
 */
public class TotpCode {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TotpCode.java BASE32_SECRET");
            System.exit(2);
        }
        long step = new SystemTimeProvider().getTime() / 30;
        System.out.println(new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6).generate(args[0], step));
    }
}
