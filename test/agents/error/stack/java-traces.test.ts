/**
 * Real JVM failures: a Maven-layout project compiled with javac and run with java in a temp folder.
 * `Caused by:` chains with `... N more`, `Suppressed:` blocks, JDK frames, lambdas, and files named
 * without their folder (`Main.java`), found through the package in the method's name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { locate, parseStackTrace } from '../../../../agents/error/stack/index.js';
import { hasCommand, lineOf, runFailing, runSucceeding, tempProject, type TempProject } from './programs.js';

const hasJava = hasCommand('javac', ['-version']) && hasCommand('java', ['-version']);

const repository = [
  'package com.acme.shop.orders;',
  '',
  'import java.util.Map;',
  '',
  'public class OrderRepository implements AutoCloseable {',
  '    private final Map<String, String> rows;',
  '',
  '    public OrderRepository(Map<String, String> rows) {',
  '        this.rows = rows;',
  '    }',
  '',
  '    public String customerOf(String orderId) {',
  '        return rows.get(orderId).trim();',
  '    }',
  '',
  '    @Override',
  '    public void close() {',
  '        throw new IllegalStateException("connection already closed");',
  '    }',
  '}',
  '',
].join('\n');

const main = [
  'package com.acme.shop;',
  '',
  'import com.acme.shop.orders.OrderRepository;',
  'import java.util.HashMap;',
  'import java.util.List;',
  '',
  'public class Main {',
  '    static String load(String id) {',
  '        try (OrderRepository repository = new OrderRepository(new HashMap<>())) {',
  '            return repository.customerOf(id);',
  '        } catch (NullPointerException e) {',
  '            throw new IllegalArgumentException("unknown order " + id, e);',
  '        }',
  '    }',
  '',
  '    public static void main(String[] args) {',
  '        List.of("o-1").forEach(id -> System.out.println(load(id)));',
  '    }',
  '}',
  '',
].join('\n');

let project: TempProject;
let output: string;
beforeAll(async () => {
  if (!hasJava) return;
  project = await tempProject({
    'pom.xml': '<project><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1</version></project>\n',
    'src/main/java/com/acme/shop/Main.java': main,
    'src/main/java/com/acme/shop/orders/OrderRepository.java': repository,
  });
  runSucceeding('javac', ['-d', 'target/classes', 'src/main/java/com/acme/shop/Main.java', 'src/main/java/com/acme/shop/orders/OrderRepository.java'], project.root);
  output = runFailing('java', ['-cp', 'target/classes', 'com.acme.shop.Main'], project.root);
}, 120_000);
afterAll(async () => {
  await project?.dispose();
});

(hasJava ? describe : describe.skip)('JVM traces (javac + java)', () => {
  it('reads the header, the Caused by chain and expands `... N more` from the enclosing trace', () => {
    const trace = parseStackTrace(output)!;
    expect(trace).toMatchObject({ language: 'java', errorType: 'java.lang.IllegalArgumentException', message: 'unknown order o-1' });
    expect(trace.frames.map((f) => `${f.function}:${f.line ?? '-'}`)).toEqual([
      'com.acme.shop.Main.load:12',
      'com.acme.shop.Main.lambda$main$0:17',
      'java.lang.Iterable.forEach:75',
      'com.acme.shop.Main.main:17',
    ]);
    expect(trace.frames[2]!.internal).toBe(true);
    expect(trace.causes).toHaveLength(1);
    const cause = trace.causes[0]!;
    expect(cause).toMatchObject({ errorType: 'java.lang.NullPointerException', link: 'cause' });
    expect(cause.message).toMatch(/^Cannot invoke "String\.trim\(\)"/);
    // Its own two frames, then the 3 shared with the enclosing trace; the Suppressed block's frames are not among them.
    expect(cause.frames.map((f) => `${f.function}:${f.line}`)).toEqual([
      'com.acme.shop.orders.OrderRepository.customerOf:13',
      'com.acme.shop.Main.load:10',
      'com.acme.shop.Main.lambda$main$0:17',
      'java.lang.Iterable.forEach:75',
      'com.acme.shop.Main.main:17',
    ]);
    expect(output).toContain('Suppressed: java.lang.IllegalStateException: connection already closed');
    expect(JSON.stringify(trace)).not.toContain('close');
  });

  it('locates the root cause in src/main/java through the package path', async () => {
    const trace = parseStackTrace(output)!;
    const located = await locate(trace, { root: project.root });
    expect(located.fault).toMatchObject({
      file: 'src/main/java/com/acme/shop/orders/OrderRepository.java',
      line: lineOf(repository, 'rows.get(orderId).trim()'),
      function: 'com.acme.shop.orders.OrderRepository.customerOf',
      via: 'stack',
    });
    expect(located.fault!.codeFrame).toContain('> 13 |         return rows.get(orderId).trim();');
    expect(located.candidates.map((c) => `${c.file.replace('src/main/java/com/acme/shop/', '')}:${c.line}`)).toEqual(['orders/OrderRepository.java:13', 'Main.java:10', 'Main.java:17', 'Main.java:12']);
    expect(located.trace.frames.find((f) => f.internal)).toMatchObject({ own: false });
  });
});
