package dev.secureconnect.pki; public final class ScPki { public static void main(String[] a) {} }
