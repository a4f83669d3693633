package io.sparkrnn.testkit

import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.api.ndarray.INDArray
import org.scalatest.Assertions

/**
 * Bit-for-bit comparison of float arrays, where the docs promise the same bits: INDArray.equals allows a
 * difference of 1e-5 (Nd4j's EPS_THRESHOLD), so it passes results that differ. This compares the raw IEEE bits.
 */
object BitExact extends Assertions {
  def bits(a: INDArray): Array[Int] = {
    assert(a.dataType() == DataType.FLOAT, s"expected a float array, got ${a.dataType()}")
    a.toFloatVector.map(java.lang.Float.floatToRawIntBits)
  }

  /** Values whose bits differ, and the largest absolute difference among them. */
  def differences(expected: INDArray, actual: INDArray): (Int, Double) = {
    val (e, a) = (expected.toFloatVector, actual.toFloatVector)
    assert(e.length == a.length, s"lengths differ: ${e.length} and ${a.length}")
    val differing = e.indices.filter(i => java.lang.Float.floatToRawIntBits(e(i)) != java.lang.Float.floatToRawIntBits(a(i)))
    (differing.size, if (differing.isEmpty) 0.0 else differing.map(i => math.abs(e(i).toDouble - a(i))).max)
  }

  def sameBits(expected: INDArray, actual: INDArray): Boolean = java.util.Arrays.equals(bits(expected), bits(actual))

  def assertSameBits(expected: INDArray, actual: INDArray, what: String): Unit = {
    if (!sameBits(expected, actual)) {
      val (count, largest) = differences(expected, actual)
      fail(s"$what: $count of ${expected.length()} values differ in their bits (largest difference $largest)")
    }
  }

  /** Every value within {@code tolerance} of the expected one, naming how many differ in their bits at all. */
  def assertWithin(expected: INDArray, actual: INDArray, tolerance: Double, what: String): Unit = {
    val (e, a) = (expected.toFloatVector, actual.toFloatVector)
    assert(e.length == a.length, s"lengths differ: ${e.length} and ${a.length}")
    val beyond = e.indices.filter(i => !(math.abs(e(i).toDouble - a(i)) <= tolerance))
    if (beyond.nonEmpty) {
      val i = beyond.head
      fail(s"$what: ${beyond.size} of ${e.length} values differ by more than $tolerance (first at $i: ${e(i)} and ${a(i)})")
    }
    val (count, largest) = differences(expected, actual)
    if (count > 0) println(s"$what: $count of ${e.length} values differ in their bits, by at most $largest")
  }
}
