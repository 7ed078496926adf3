import { Module } from '@nestjs/common';
import { Register } from './register';

@Module({ providers: [Register], exports: [Register] })
export class RegisterModule {}
