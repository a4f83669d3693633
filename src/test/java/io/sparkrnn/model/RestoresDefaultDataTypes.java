package io.sparkrnn.model;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Tests that switch ND4J's default data types (to double, for gradient checks) get them back afterwards. */
final class RestoresDefaultDataTypes implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace SAVED = ExtensionContext.Namespace.create(RestoresDefaultDataTypes.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(SAVED).put("types", new DataType[]{Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DataType[] types = context.getStore(SAVED).get("types", DataType[].class);
        Nd4j.setDefaultDataTypes(types[0], types[1]);
    }
}
