package io.sparkrnn.testkit

import org.nd4j.linalg.factory.Nd4j
import org.scalatest.funsuite.AnyFunSuite

/** Why the bit-for-bit tests do not use INDArray.equals: it calls arrays equal that are not. */
class BitExactSuite extends AnyFunSuite {
  test("INDArray.equals passes parameters that differ by 1e-6; the bit comparison does not") {
    val a = Nd4j.createFromArray(0.25f, -1.5f, 3.0f)
    val b = a.dup()
    b.putScalar(1L, -1.5f + 1e-6f)
    assert(a.equals(b), "ND4J's tolerance: this is why equals cannot show bit-for-bit claims")
    assert(!BitExact.sameBits(a, b))
    assert(BitExact.differences(a, b)._1 == 1)
    assert(BitExact.sameBits(a, a.dup()))
    val failure = intercept[org.scalatest.exceptions.TestFailedException](BitExact.assertSameBits(a, b, "parameters"))
    assert(failure.getMessage.startsWith("parameters: 1 of 3 values differ in their bits"), failure.getMessage)
  }
}
