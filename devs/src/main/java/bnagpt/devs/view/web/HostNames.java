package bnagpt.devs.view.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The names this server answers to, against DNS rebinding: a page of attacker.example whose
 * name was made to point at 127.0.0.1 still sends "Host: attacker.example", and is refused.
 * It also makes the address to print, with the host the server really listens on.
 */
public final class HostNames {
    private final Set<String> names;
    private final String shownHost;
    private final int port;
    private final boolean loopbackOnly;

    private HostNames(Set<String> names, String shownHost, int port, boolean loopbackOnly) {
        this.names = Set.copyOf(names);
        this.shownHost = shownHost;
        this.port = port;
        this.loopbackOnly = loopbackOnly;
    }

    /**
     * For a server asked to listen on ASKED (as typed after --host), bound to BOUND:PORT.
     * 0.0.0.0 (or ::) listens on every address, so every address of this machine is a name.
     */
    public static HostNames of(String asked, InetAddress bound, int port) {
        Set<String> names = new HashSet<>();
        String shown;
        if (bound.isAnyLocalAddress()) {
            names.add("localhost");
            names.addAll(machineAddresses());
            names.addAll(machineNames());
            shown = "127.0.0.1"; // this machine's browser reaches it there
        } else {
            shown = literal(bound);
            names.add(shown);
            if (bound.isLoopbackAddress()) {
                names.add("localhost");
            }
            if (!isLiteral(asked)) { // a name, like --host mybox.local: the browser sends that name
                shown = asked.toLowerCase(Locale.ROOT);
                names.add(shown);
            }
        }
        return new HostNames(names, shown, port, bound.isLoopbackAddress());
    }

    /** The address of the page, as the browser writes it (no ":80", which browsers leave out). */
    public String origin() {
        return "http://" + shownHost + (port == 80 ? "" : ":" + port);
    }

    /** Whether the server listens on a loopback address, where only this machine reaches it. */
    public boolean loopbackOnly() {
        return loopbackOnly;
    }

    /** Whether a request's Host header names this server: one of its names, and its port. */
    public boolean allows(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        String givenPort = null;
        int end = name.startsWith("[") ? name.indexOf(']') + 1 : name.lastIndexOf(':');
        if (end > 0 && end < name.length() && name.charAt(end) == ':') {
            givenPort = name.substring(end + 1);
            name = name.substring(0, end);
        }
        boolean portMatches = givenPort == null ? port == 80 : givenPort.equals(String.valueOf(port));
        return portMatches && names.contains(name);
    }

    /** An address as a browser writes it in a URL: IPv6 in brackets, shortened (RFC 5952), without a zone. */
    static String literal(InetAddress address) {
        String text = address.getHostAddress().replaceFirst("%.*$", "");
        return address instanceof Inet6Address ? "[" + shortened(text) + "]" : text;
    }

    /** 0:0:0:0:0:0:0:1 as ::1: the longest run of two or more zero groups becomes "::". */
    private static String shortened(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String before = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String after = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return before + "::" + after;
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static Set<String> machineAddresses() {
        Set<String> found = new HashSet<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    found.add(literal(address));
                }
            }
        } catch (SocketException e) {
            // No list of interfaces: the loopback names still work.
        }
        return found;
    }

    private static Set<String> machineNames() {
        Set<String> found = new HashSet<>();
        try {
            InetAddress self = InetAddress.getLocalHost();
            found.add(self.getHostName().toLowerCase(Locale.ROOT));
            found.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            // This machine has no name it can resolve: its addresses still work.
        }
        return found;
    }
}
