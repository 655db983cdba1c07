package dev.fivefold.examples; public final class UseFromJava { public static void main(String[] a) {} }
