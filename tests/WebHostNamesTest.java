package bnagpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnagpt.devs.view.web.HostNames;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * --host and --port as a browser sees them: the Host header it sends must be accepted, and
 * the printed address must be the one the server listens on (issue 14, case 7).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebHostNamesTest {

    @Test
    void by_default_this_machine_by_number_or_name_and_nothing_else() throws Exception {
        HostNames names = HostNames.of("127.0.0.1", InetAddress.getByName("127.0.0.1"), 8501);
        assertEquals("http://127.0.0.1:8501", names.origin());
        assertTrue(names.allows("127.0.0.1:8501"));
        assertTrue(names.allows("LocalHost:8501"));
        assertFalse(names.allows("127.0.0.1:8502"));
        assertFalse(names.allows("127.0.0.1"), "without a port, the browser meant port 80");
        assertFalse(names.allows("attacker.example:8501"));
        assertFalse(names.allows(null));
    }

    @Test
    void another_loopback_address_is_the_one_printed() throws Exception {
        HostNames names = HostNames.of("127.0.0.2", InetAddress.getByName("127.0.0.2"), 8501);
        assertEquals("http://127.0.0.2:8501", names.origin());
        assertTrue(names.allows("127.0.0.2:8501"));
    }

    @Test
    void ipv6_loopback_is_printed_and_accepted_in_brackets() throws Exception {
        HostNames names = HostNames.of("::1", InetAddress.getByName("::1"), 8501);
        assertEquals("http://[::1]:8501", names.origin());
        assertTrue(names.allows("[::1]:8501"));
        assertFalse(names.allows("[::2]:8501"));
    }

    @Test
    void port_80_accepts_the_host_that_browsers_send_without_it() throws Exception {
        HostNames names = HostNames.of("127.0.0.1", InetAddress.getByName("127.0.0.1"), 80);
        assertEquals("http://127.0.0.1", names.origin());
        assertTrue(names.allows("127.0.0.1"));
        assertTrue(names.allows("127.0.0.1:80"));
        assertFalse(names.allows("127.0.0.1:8080"));
    }

    @Test
    void every_address_accepts_each_of_this_machines_own_addresses() throws Exception {
        HostNames names = HostNames.of("0.0.0.0", InetAddress.getByName("0.0.0.0"), 8501);
        assertEquals("http://127.0.0.1:8501", names.origin());
        int checked = 0;
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address) {
                    assertTrue(names.allows(address.getHostAddress() + ":8501"), address.toString());
                    checked++;
                }
            }
        }
        assertTrue(checked > 0);
        assertTrue(names.allows("localhost:8501"));
        assertFalse(names.allows("attacker.example:8501"));
    }
}
