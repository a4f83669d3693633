package io.sparkrnn.dist;

import io.sparkrnn.config.Options;
import io.sparkrnn.config.RunConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How float values travel through the aggregation shuffle: float32 as they are, or bfloat16 / float16 in two bytes,
 * rounded to the nearest representable value (ties to even). Decoding always gives float32, and the reduce side
 * sums in float32, so only each replica's own values are rounded, never the running sum.
 */
enum DeltaCodec {
    FLOAT32(null, null),
    BFLOAT16(DeltaCodec::toBfloat16, DeltaCodec::fromBfloat16),
    FLOAT16(DeltaCodec::toFloat16, DeltaCodec::fromFloat16);

    /** A two-byte format's rounding conversion from float32, and its exact conversion back. */
    private interface ToHalf { short of(float value); }

    private interface FromHalf { float of(short value); }

    private final ToHalf toHalf;
    private final FromHalf fromHalf;

    DeltaCodec(ToHalf toHalf, FromHalf fromHalf) {
        this.toHalf = toHalf;
        this.fromHalf = fromHalf;
    }

    static DeltaCodec from(RunConfig config) {
        switch (config.get(Options.DELTA_PRECISION)) {
            case "bfloat16":
                return BFLOAT16;
            case "float16":
                return FLOAT16;
            default:
                return FLOAT32;
        }
    }

    int bytesPerValue() { return toHalf == null ? 4 : 2; }

    /** values[from, to) in this format. */
    byte[] encode(float[] values, int from, int to) {
        byte[] bytes = new byte[(to - from) * bytesPerValue()];
        ByteBuffer out = wrap(bytes);
        if (toHalf == null) {
            out.asFloatBuffer().put(values, from, to - from);
        } else {
            for (int i = from; i < to; i++) {
                out.putShort(2 * (i - from), toHalf.of(values[i]));
            }
        }
        return bytes;
    }

    /** The decoded values, as a new array: the first term of a sum, like the clone that starts an in-order fold. */
    float[] decode(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        float[] values = new float[bytes.length / bytesPerValue()];
        for (int i = 0; i < values.length; i++) {
            values[i] = decode(in, i);
        }
        return values;
    }

    /** sum[i] += decoded value i, one float32 addition per element, as the in-order fold adds. */
    void addInto(float[] sum, byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        if (bytes.length / bytesPerValue() != sum.length) {
            throw new IllegalStateException("a slice of " + bytes.length / bytesPerValue() + " values added to a sum of "
                    + sum.length);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += decode(in, i);
        }
    }

    private float decode(ByteBuffer in, int index) {
        return fromHalf == null ? in.getFloat(4 * index) : fromHalf.of(in.getShort(2 * index));
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The upper half of the float's bits, rounded to nearest even; NaN stays NaN (quiet). */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    static float fromBfloat16(short value) {
        return Float.intBitsToFloat((value & 0xffff) << 16);
    }

    /**
     * IEEE 754 binary16, rounded to nearest even: 10 mantissa bits, normal from 2^-14 (6.1e-5), subnormal down to
     * 2^-24 (6.0e-8), largest 65504; magnitudes from 65520 round to infinity, below 2^-25 to zero. (Java 17 has no
     * Float.floatToFloat16.)
     */
    static short toFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (magnitude >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= 0x38800000) {
            int rounded = magnitude + 0xfff + ((magnitude >>> 13) & 1);
            return (short) (sign | ((rounded - 0x38000000) >>> 13));
        }
        int exponent = magnitude >>> 23;
        int shift = 126 - exponent; // the value in units of 2^-24 is the 24-bit significand shifted right by this
        if (shift > 24) {
            return (short) sign;
        }
        int significand = (magnitude & 0x7fffff) | 0x800000;
        int units = significand >>> shift;
        int rest = significand & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (units & 1) == 1)) {
            units++;
        }
        return (short) (sign | units);
    }

    static float fromFloat16(short value) {
        int bits = value & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
