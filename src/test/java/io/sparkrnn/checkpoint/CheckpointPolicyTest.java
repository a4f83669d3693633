package io.sparkrnn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CheckpointPolicyTest {
    @Test
    void defaultsAreKeep3Dirs750Files640() {
        CheckpointPolicy p = CheckpointPolicy.defaults();
        assertEquals(3, p.keep());
        assertEquals("750", p.dirPermissionOctal());
        assertEquals(0750, p.dirPermission().toShort());
        assertEquals(0640, p.filePermission().toShort());
        assertEquals(new CheckpointPolicy(3, "750", "640"), p);
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertEquals("keep must be >= 1 (the newest checkpoint is always kept), got 0",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(0, "750", "640")).getMessage());
        assertEquals("dirPermission must be 3 or 4 octal digits like \"750\", got \"rwxr-x---\"",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(1, "rwxr-x---", "640")).getMessage());
        assertEquals("filePermission must be 3 or 4 octal digits like \"750\", got \"648\"",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(1, "750", "648")).getMessage());
        assertEquals("dirPermission must give the owner rwx (7xx), or the folder cannot be filled or listed, got \"550\"",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(1, "550", "640")).getMessage());
        assertEquals("filePermission must give the owner rw (6xx), or the file cannot be written and read back, got \"440\"",
                assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(1, "750", "440")).getMessage());
    }
}
