package io.sparkrnn.ml;

import io.sparkrnn.model.ModelSpec;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The executor's idle scoring networks, per model shape and device: a task (or a SQL function's row) borrows one,
 * so each thread scoring at a time has its own network and networks are built once per executor, not per
 * partition. As in training, a network built on a GPU only goes to a later task bound to that GPU.
 */
final class ScoringNetworks {
    private static final Map<Key, Queue<ScoringNetwork>> IDLE = new ConcurrentHashMap<>();

    private ScoringNetworks() { }

    /** A network holding {@code model}'s parameters; the calling thread must already be bound to {@code device}. */
    static ScoringNetwork borrow(ScoringModel model, int device) {
        ScoringNetwork network = idle(model.spec(), device).poll();
        if (network == null) {
            network = new ScoringNetwork(model.spec());
        }
        network.load(model);
        return network;
    }

    static void giveBack(ScoringNetwork network, int device) {
        idle(network.spec(), device).add(network);
    }

    private static Queue<ScoringNetwork> idle(ModelSpec spec, int device) {
        return IDLE.computeIfAbsent(new Key(spec, device), key -> new ConcurrentLinkedQueue<>());
    }

    private record Key(ModelSpec spec, int device) { }
}
