package io.kefu.kbai;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KbAiApplication {

    public static void main(String[] args) {
        SpringApplication.run(KbAiApplication.class, args);
    }
}
