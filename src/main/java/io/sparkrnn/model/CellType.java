package io.sparkrnn.model;

import java.util.Locale;

/** The recurrent cells the lecture compares; {@link #gates()} sizes their FLOP count. */
public enum CellType {
    LSTM(4), GRU(3), RNN(1);

    private final int gates;

    CellType(int gates) { this.gates = gates; }

    /** Weight blocks of size H x (D + H): 4 for LSTM, 3 for GRU, 1 for a vanilla RNN. */
    public int gates() { return gates; }

    public static CellType parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
