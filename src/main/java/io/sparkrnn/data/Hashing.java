package io.sparkrnn.data;

/** Seeded 64-bit hashing shared by the held-out split and the derived random streams. */
public final class Hashing {
    private Hashing() { }

    /** SplitMix64's finaliser: spreads weak low bits over the whole word. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** FNV-1a over the UTF-16 units of {@code text}, seeded and finalised with {@link #mix}. */
    public static long hash(String text, long seed) {
        long h = 0xcbf29ce484222325L ^ mix(seed);
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** A seed for stream {@code (a, b)} of the run seeded with {@code seed}. */
    public static long derive(long seed, long a, long b) {
        return mix(mix(seed ^ 0x5DEECE66DL) + a * 0x9E3779B97F4A7C15L + b);
    }
}
