// Reads `P <hex of UTF-8 pattern>` and `I <hex of UTF-8 input>` lines on stdin; answers each
// pattern with `ok` or `E <why>` and each input with two digits: Matcher.find(), and whether a
// match starts at a code point boundary (find() can also start inside a surrogate pair), and a
// third character: `u` when the input holds a code point this JDK's Unicode version leaves
// unassigned (its properties then follow an older standard than Rust's), `-` otherwise.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.regex.*;

public class Verdicts {
    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        Pattern p = null;
        String line;
        while ((line = in.readLine()) != null) {
            String text = unhex(line.substring(2));
            if (line.charAt(0) == 'P') {
                try {
                    p = Pattern.compile(text);
                    out.println("ok");
                } catch (PatternSyntaxException e) {
                    p = null;
                    out.println("E " + e.getDescription());
                }
                continue;
            }
            if (p == null) {
                out.println("--");
                continue;
            }
            boolean find = p.matcher(text).find();
            Matcher m = p.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
            boolean atCodePoint = false;
            for (int i = 0; i <= text.length() && !atCodePoint; i = i < text.length() ? text.offsetByCodePoints(i, 1) : i + 1) {
                m.region(i, text.length());
                atCodePoint = m.lookingAt();
            }
            boolean unassigned = text.codePoints().anyMatch(c -> !Character.isDefined(c));
            out.println((find ? "1" : "0") + (atCodePoint ? "1" : "0") + (unassigned ? "u" : "-"));
        }
        out.flush();
    }
}
