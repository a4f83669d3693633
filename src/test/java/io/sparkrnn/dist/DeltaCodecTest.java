package io.sparkrnn.dist;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The number formats of the aggregation: float32 exact, bfloat16 and float16 rounded to nearest even. */
class DeltaCodecTest {

    @Test
    void float32TravelsExactlyAndAddsLikeFloats() {
        float[] values = {1.5f, -0.0f, Float.MIN_VALUE, 3.4028235e38f, 1e-7f, -2.75f};
        assertArrayEquals(bits(values), bits(DeltaCodec.FLOAT32.decode(DeltaCodec.FLOAT32.encode(values, 0, values.length))));
        float[] sum = {1f, 2f};
        DeltaCodec.FLOAT32.addInto(sum, DeltaCodec.FLOAT32.encode(new float[] {0.1f, 1e-8f}, 0, 2));
        assertEquals(Float.floatToRawIntBits(1f + 0.1f), Float.floatToRawIntBits(sum[0]));
        assertEquals(Float.floatToRawIntBits(2f + 1e-8f), Float.floatToRawIntBits(sum[1]));
        assertArrayEquals(new float[] {2f, -2.75f}, DeltaCodec.FLOAT32.decode(DeltaCodec.FLOAT32.encode(new float[] {9f, 2f, -2.75f}, 1, 3)));
    }

    @Test
    void everyFloat16RoundTripsAndValuesRoundToTheNearestEvenNeighbour() {
        for (int h = 0; h < 0x10000; h++) {
            float value = DeltaCodec.fromFloat16((short) h);
            if (!Float.isNaN(value)) {
                assertEquals(h, DeltaCodec.toFloat16(value) & 0xffff, "half " + Integer.toHexString(h));
            }
        }
        // Between two neighbouring halves: below the midpoint rounds down, above up, at it to the even one.
        for (int h = 0; h < 0x7bff; h++) {
            double low = DeltaCodec.fromFloat16((short) h);
            double high = DeltaCodec.fromFloat16((short) (h + 1));
            double middle = (low + high) / 2;
            assertEquals(h, DeltaCodec.toFloat16(Math.nextDown((float) middle)) & 0xffff);
            assertEquals(h + 1, DeltaCodec.toFloat16(Math.nextUp((float) middle)) & 0xffff);
            assertEquals((h & 1) == 0 ? h : h + 1, DeltaCodec.toFloat16((float) middle) & 0xffff, "tie at " + middle);
        }
        assertEquals(Float.POSITIVE_INFINITY, DeltaCodec.fromFloat16(DeltaCodec.toFloat16(65520f)));
        assertEquals(65504f, DeltaCodec.fromFloat16(DeltaCodec.toFloat16(65519.99f)));
        assertEquals(0x1p-24f, DeltaCodec.fromFloat16(DeltaCodec.toFloat16(0x1.000002p-25f)), "just above half the smallest subnormal");
        assertEquals(0f, DeltaCodec.fromFloat16(DeltaCodec.toFloat16(0x1p-25f)), "half the smallest subnormal ties to zero");
        assertEquals(-1.5f, DeltaCodec.fromFloat16(DeltaCodec.toFloat16(-1.5f)));
        assertTrue(Float.isNaN(DeltaCodec.fromFloat16(DeltaCodec.toFloat16(Float.NaN))));
    }

    @Test
    void bfloat16KeepsTheUpperHalfRoundedToNearestEven() {
        Random random = new Random(7);
        for (int i = 0; i < 100000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(value) || Float.isInfinite(value)) {
                continue;
            }
            float rounded = DeltaCodec.fromBfloat16(DeltaCodec.toBfloat16(value));
            int upper = Float.floatToRawIntBits(value) & 0xffff0000;
            float down = Float.intBitsToFloat(upper);
            float up = Float.intBitsToFloat(upper + 0x10000);
            // Past the largest bfloat16 the next step is infinity, which rounding treats as 2^128 (IEEE overflow).
            double upValue = Float.isInfinite(up) ? Math.copySign(0x1p128, value) : up;
            double toDown = Math.abs((double) value - down);
            double toUp = Math.abs(upValue - value);
            float expected = toDown < toUp ? down : toUp < toDown ? up : ((upper >>> 16) & 1) == 0 ? down : up;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(rounded), "value " + value);
        }
        assertEquals(1.0f, DeltaCodec.fromBfloat16(DeltaCodec.toBfloat16(Float.intBitsToFloat(0x3f808000))), "tie to even");
        assertEquals(Float.intBitsToFloat(0x3f820000), DeltaCodec.fromBfloat16(DeltaCodec.toBfloat16(Float.intBitsToFloat(0x3f818000))));
        assertTrue(Float.isNaN(DeltaCodec.fromBfloat16(DeltaCodec.toBfloat16(Float.NaN))));
    }

    @Test
    void twoByteFormatsHalveTheBytesAndSumInFloat32() {
        float[] values = {0.001f, -0.002f, 0.5f};
        for (DeltaCodec codec : new DeltaCodec[] {DeltaCodec.BFLOAT16, DeltaCodec.FLOAT16}) {
            byte[] bytes = codec.encode(values, 0, values.length);
            assertEquals(6, bytes.length);
            float[] decoded = codec.decode(bytes);
            float[] sum = decoded.clone();
            codec.addInto(sum, bytes);
            for (int i = 0; i < values.length; i++) {
                assertEquals(decoded[i] + decoded[i], sum[i]);
                assertEquals(values[i], decoded[i], Math.abs(values[i]) / (codec == DeltaCodec.BFLOAT16 ? 256 : 2048));
            }
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
