package io.commandcenter.hub.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A jar holding nothing but a manifest whose {@code Class-Path} lists a class path: a child JVM
 * started with {@code -cp that.jar} sees the whole class path while its {@code java.class.path}
 * stays short — ONNX Runtime's Java binding crashes the JVM when that property is longer than
 * about 4,000 characters.
 */
public final class ManifestJar {
    private ManifestJar() {
    }

    public static Path write(String classPath, Path jar) throws IOException {
        StringBuilder entries = new StringBuilder();
        for (String element : classPath.split(File.pathSeparator)) {
            if (element.isEmpty()) {
                continue;
            }
            Path path = Path.of(element).toAbsolutePath();
            String uri = path.toUri().toString();
            if (Files.isDirectory(path) && !uri.endsWith("/")) {
                uri += "/";
            }
            entries.append(entries.length() == 0 ? "" : " ").append(uri);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, entries.toString());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
